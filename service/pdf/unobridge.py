"""UNO bridge run by the system Python (python3-uno): drives one warm LibreOffice over a pipe.

Usage: /usr/bin/python3 -I unobridge.py PIPE_NAME OFFICE_PID CONNECT_TIMEOUT

It connects to the LibreOffice started with --accept=pipe,name=PIPE_NAME, prints {"ready": true},
then answers one JSON line per request on stdin, {"in": "a.docx", "out": "a.pdf"}, with
{"ok": true} or {"ok": false, "error": "...", "lost": bool}; "lost": the office no longer answers
(it crashed), and the bridge ends. At end of input (the service closed the pipe or
died) it sends SIGTERM to the office and exits, so no LibreOffice outlives its service.
This file is not imported by the service: it needs the system Python's uno module.
"""

import json
import os
import signal
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
LINES, LINES_AND_CHARS = 1, 2  # com.sun.star.text.TextGridMode
# The blank page LibreOffice inserts before an even-page section (a 公文's 版记) is a sheet of the
# printed document: keep it in the PDF (LibreOffice leaves such pages out by default).
PDF_OPTIONS = uno.Any("[]com.sun.star.beans.PropertyValue", (PropertyValue(Name="IsSkipEmptyPages", Value=False),))


def props(**values):
    """A UNO property sequence from keyword arguments."""
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


def connect(pipe, timeout):
    """The office's Desktop, retrying until the office listens or `timeout` seconds pass."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
        except Exception:  # NoConnectException until the office has started
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def convert(desktop, source, target):
    """Open `source` hidden and without macros, refresh its indexes, export it as PDF to `target`."""
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0,
        props(Hidden=True, ReadOnly=True, MacroExecutionMode=NEVER_EXECUTE, FilterName="MS Word 2007 XML"),
    )
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        adapt_layout(document)
        indexes = document.getDocumentIndexes()  # a table of contents shows real page numbers
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        document.storeToURL(uno.systemPathToFileUrl(target), props(FilterName="writer_pdf_Export", FilterData=PDF_OPTIONS))
    finally:
        document.close(True)


def adapt_layout(document):
    """Work around two LibreOffice 7.4 layout faults that Chinese official documents meet.

    GB/T 9704 asks for 28 characters of 16 pt in 156 mm, so a character-grid cell (15.8 pt) is
    narrower than a character: Word squeezes the characters, LibreOffice gives each two cells
    (14 a line), so such grids keep only their lines (27 characters a line). And punctuation
    hanging into the margin is missing from LibreOffice's PDF, so by default none may hang (a
    style's or paragraph's own w:overflowPunct still wins).
    """
    document.createInstance("com.sun.star.text.Defaults").setPropertyValue("ParaIsHangingPunctuation", False)
    styles = document.getStyleFamilies()
    body = styles.getByName("ParagraphStyles").getByName("Standard").getPropertyValue("CharHeightAsian") * 2540 / 72
    pages = styles.getByName("PageStyles")
    for name in pages.getElementNames():
        page = pages.getByName(name)
        if page.getPropertyValue("GridMode") == LINES_AND_CHARS and page.getPropertyValue("GridBaseWidth") < body:
            page.setPropertyValue("GridMode", LINES)


def reply(message):
    """Write one JSON line to the service."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def answers(desktop):
    """Whether the office still answers calls."""
    try:
        desktop.getFrames().getCount()
        return True
    except Exception:  # the connection is gone
        return False


def serve(desktop):
    """Answer requests until end of input, or until the office stops answering."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            convert(desktop, request["in"], request["out"])
            reply({"ok": True})
        except Exception as error:  # every UNO failure is reported; the service decides
            lost = not answers(desktop)
            reply({"ok": False, "error": f"{type(error).__name__}: {error}", "lost": lost})
            if lost:
                return


def main():
    """Connect, report readiness, serve, then stop the office."""
    pipe, office_pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    try:
        desktop = connect(pipe, timeout)
        reply({"ready": True})
        serve(desktop)
    finally:
        try:
            os.kill(office_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    main()
