"""A Streamlit websocket client: what a browser tab asks of the server, without the browser.

Why: the load that matters on the server is 25 sessions each running the page
script and streaming its elements; 25 real Chromium tabs on a 2-core machine
mostly measure Chromium drawing Plotly. This client speaks the app's own
protocol (``/_stcore/stream``, protobuf BackMsg/ForwardMsg, as the frontend
does): it asks for a page and counts the time until the server reports the
script run finished, every element received. An exception element or a run that
does not finish successfully is an error.

Example::

    timing = asyncio.run(open_page("http://127.0.0.1:8501", "drilldown"))
    timing.seconds, timing.elements, timing.exceptions
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
RERUN = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")


@dataclass(frozen=True)
class PageTiming:
    """One page opened over the websocket: seconds to the finished run, what arrived."""

    page: str
    seconds: float
    elements: int
    received_bytes: int
    exceptions: tuple[str, ...]


def rerun_request(page: str, query_string: str = "", url: str = "") -> bytes:
    """The BackMsg a freshly opened tab sends: run this page's script with this query."""
    message = BackMsg()
    state = message.rerun_script
    state.query_string = query_string
    state.page_name = page
    state.context_info.timezone = "Europe/Berlin"
    state.context_info.locale = "en-GB"
    state.context_info.url = url
    return message.SerializeToString()


async def open_page(
    base_url: str, page: str = "", query_string: str = "", timeout: float = 60.0
) -> PageTiming:
    """Open ``page`` like a new tab and wait for its script run to finish."""
    parts = urlsplit(base_url)
    stream = f"ws://{parts.netloc}/_stcore/stream"
    started = time.perf_counter()
    elements = 0
    received = 0
    exceptions: list[str] = []
    async with asyncio.timeout(timeout):
        async with websockets.connect(
            stream, subprotocols=["streamlit"], max_size=None, open_timeout=timeout
        ) as socket:
            await socket.send(rerun_request(page, query_string, f"{base_url}/{page}"))
            async for data in socket:
                received += len(data)
                message = ForwardMsg()
                message.ParseFromString(data)
                kind = message.WhichOneof("type")
                if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                    elements += 1
                    element = message.delta.new_element
                    if element.WhichOneof("type") == "exception":
                        exceptions.append(element.exception.message[:200])
                elif kind == "script_finished" and message.script_finished != RERUN:
                    if message.script_finished != FINISHED:
                        exceptions.append(f"script ended with status {message.script_finished}")
                    break
    return PageTiming(
        page=page or "/",
        seconds=time.perf_counter() - started,
        elements=elements,
        received_bytes=received,
        exceptions=tuple(exceptions),
    )
