#!/usr/bin/env python3
"""Card lab: relay between a vpcd reader port and the virtual card's stdin/stdout.

vpcd writes each message as two small send() calls (length, then payload) with Nagle's algorithm on,
so a plain Node client, whose kernel delays its ACK, waits ~40 ms for every APDU. Node cannot set
TCP_QUICKACK; this relay does, after every read, which makes an APDU round trip take well under 1 ms.
Usage: vpcd-relay.py PORT. Prints "connected" on stderr once connected; exits when either side closes.
"""
import os
import select
import socket
import sys


def main() -> int:
    port = int(sys.argv[1])
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError as err:
        sys.stderr.write(f"error {err}\n")
        return 1
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    sys.stderr.write("connected\n")
    sys.stderr.flush()
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    while True:
        readable, _, _ = select.select([sock, stdin], [], [])
        if sock in readable:
            data = sock.recv(65536)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            if not data:
                return 0
            while data:
                data = data[os.write(stdout, data):]
        if stdin in readable:
            data = os.read(stdin, 65536)
            if not data:
                return 0
            sock.sendall(data)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BrokenPipeError, ConnectionError, KeyboardInterrupt):
        sys.exit(0)
