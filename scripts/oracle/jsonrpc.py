"""The request side of a JSON-RPC peer over a child's stdio, shared by the oracle scripts: the MCP
client of `omnysys serve` (newline framed) and the LSP client of pyright (Content-Length framed).
A subclass sends (`_send`) and its reader thread puts each reply in `self.replies` (`None` once
the child's output ended)."""

from __future__ import annotations

import queue
import time


class JsonRpcPeer:
    """Numbered requests, answered through `self.replies`."""

    #: Named in the error when the child's output ends before a reply.
    child = "the child"

    def __init__(self) -> None:
        self.next_id = 0
        self.replies: queue.Queue = queue.Queue()

    def _send(self, msg: dict) -> None:
        raise NotImplementedError

    def request(self, method: str, params: dict, timeout: float = 60.0) -> object:
        """Sends `method` and waits for its result; raises on an error reply, a child that
        exited, or `timeout` seconds without a reply."""
        self.next_id += 1
        want = self.next_id
        self._send({"jsonrpc": "2.0", "id": want, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            msg = self.replies.get(timeout=max(0.01, deadline - time.monotonic()))
            if msg is None:
                raise RuntimeError(f"{self.child} exited")
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result")
