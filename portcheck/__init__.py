"""portcheck: run the same wasi:http component on several WebAssembly engines and diff what they do."""

__version__ = "0.1.0"
