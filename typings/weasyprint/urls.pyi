from typing import Any

class FatalURLFetchingError(BaseException): ...

class URLFetcherResponse:
    def __init__(
        self, url: str, body: bytes | None = None, headers: Any = None, status: int = 200, **kwargs: Any
    ) -> None: ...

class URLFetcher:
    def __init__(
        self,
        timeout: float = 10,
        ssl_context: Any = None,
        http_headers: Any = None,
        allowed_protocols: Any = None,
        allow_redirects: bool = True,
        fail_on_errors: bool = False,
        **kwargs: Any,
    ) -> None: ...
    def fetch(self, url: str, headers: Any = None) -> Any: ...

def __getattr__(name: str) -> Any: ...
