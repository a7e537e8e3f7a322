from rexdecl.cli import main

main()
