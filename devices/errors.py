"""Errors inside the reader layer. They never escape a reader thread: the reader turns them into
ReadError events with the same code and message."""

from __future__ import annotations


class DeviceError(Exception):
    code = "io"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class BadCardData(DeviceError):
    """The card answered, but what it holds is not well-formed (garbage NDEF, a broken TLV, bad SUN)."""

    code = "bad_data"


class CardGone(DeviceError):
    """The card left the field in the middle of a read."""

    code = "card_removed"


class NotSupported(DeviceError):
    code = "not_supported"


class ServiceUnavailable(DeviceError):
    """No PC/SC service, no NFC device: nothing to read from."""

    code = "no_service"
