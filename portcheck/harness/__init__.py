"""What touches processes and sockets: child processes, the HTTP/1.1 wire, the origin server,
the request driver, one scenario on one engine (`execute`), and a whole matrix (`runner`)."""
