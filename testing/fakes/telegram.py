"""A faithful fake of the Telegram Bot API (``https://api.telegram.org``) on 127.0.0.1.

It answers what the real Bot API answers for the calls Job Hunter makes through pyTelegramBotAPI
(``telebot.apihelper.API_URL = f"{fake.url}/bot{{0}}/{{1}}"``), as described in
``/work/shared/reference/integrations.md`` and ``api-facts.md`` (section C):

* ``/bot<token>/<method>``; an unknown token → ``401 Unauthorized``, an unknown method → ``404 Not
  Found``; method names are case-insensitive, as on Telegram;
* parameters from the **query string** (where the library puts them, even on POST) and from a
  form, JSON or multipart body; files from the multipart part named after the parameter
  (``document``);
* ``getMe``, ``sendMessage`` (HTML entities checked like Telegram: unknown tags or a bare ``&``/``<``
  → 400 "can't parse entities"; over 4096 characters after parsing → 400 "message is too long";
  callback data over 64 bytes → 400 ``BUTTON_DATA_INVALID``), ``sendDocument`` (caption ≤ 1024),
  ``getUpdates`` (offset confirms, negative offset, limit, long-poll ``timeout`` — capped by
  :attr:`FakeTelegram.max_poll_wait`), ``answerCallbackQuery``, ``deleteWebhook``/``setWebhook``
  (``getUpdates`` answers 409 while a webhook is set), ``setMyCommands``, ``getWebhookInfo``;
* answers ``{"ok": true, "result": …}`` with real Message objects (``message_id``, ``date``,
  ``chat{id,type}``, ``from``), errors ``{"ok": false, "error_code", "description"[, "parameters"]}``;
* chats: a chat the bot may write to is one that wrote to it first (:meth:`FakeTelegram.user_sends`)
  or was added (:meth:`FakeTelegram.add_chat`); others → 400 "Bad Request: chat not found"; a chat
  that blocked the bot (:meth:`FakeTelegram.user_blocks`) → 403 "Forbidden: bot was blocked by the
  user";
* injected faults: :meth:`FakeTelegram.fail_next` (429 with ``parameters.retry_after``, 500, ...).

Everything the bot sent is kept per chat (:meth:`messages`, :meth:`documents`, with the document's
file name and bytes), every call in :attr:`FakeTelegram.calls` (method, parameters, status — never
the token).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .server import FakeHandler, FakeServer

__all__ = ["DEFAULT_TOKEN", "Call", "FakeTelegram", "Sent"]

DEFAULT_TOKEN = "123456789:AAFakeTokenForTests_0123456789abcdefX"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


@dataclass(frozen=True)
class Call:
    """One Bot API request as the fake saw it (the token is not kept)."""

    method: str
    params: dict[str, str]
    status: int
    http_method: str
    ts: float


@dataclass
class Sent:
    """A message the bot sent (text, or a document with its caption)."""

    chat_id: int
    message_id: int
    text: str | None = None  # as sent (HTML when parse_mode=HTML)
    plain: str | None = None  # as the user sees it
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    filename: str | None = None
    content: bytes | None = None
    caption: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """``(text, callback_data)`` of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b.get("text", ""), b.get("callback_data", "")) for row in rows for b in row]


class _ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class _Failure:
    remaining: int
    status: int
    method: str | None
    retry_after: int | None
    description: str | None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The text a user sees for an HTML message, or :class:`_ApiError` as Telegram reports it."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            match = _TAG.match(text, i)
            if not match:
                raise _ApiError(
                    400, f"Bad Request: can't parse entities: Unexpected end of name token at byte offset {i}"
                )
            closing, name = match.group(1), match.group(2).lower()
            if name not in _HTML_TAGS:
                raise _ApiError(
                    400,
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte offset {i}',
                )
            if closing:
                if not stack or stack[-1] != name:
                    expected = stack[-1] if stack else ""
                    raise _ApiError(
                        400,
                        "Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{i}, expected "</{expected}>", found "</{name}>"',
                    )
                stack.pop()
            else:
                stack.append(name)
            i = match.end()
        elif ch == "&":
            match = _ENTITY.match(text, i)
            if not match:
                raise _ApiError(
                    400,
                    "Bad Request: can't parse entities: Character entity expected at byte offset " + str(i),
                )
            out.append(unescape(match.group(0)))
            i = match.end()
        else:
            out.append(ch)
            i += 1
    if stack:
        raise _ApiError(
            400,
            "Bad Request: can't parse entities: "
            f'Can\'t find end tag corresponding to start tag "{stack[-1]}"',
        )
    return "".join(out)


class FakeTelegram(FakeServer):
    """A fake Bot API on ``http://127.0.0.1:<port>`` for one bot (``token``)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "jobhunter_test_bot",
        max_poll_wait: float = 1.0,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.username = username
        self.max_poll_wait = max_poll_wait
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.answers: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.webhook_url = ""
        self.errors: list[BaseException] = []  # bugs of the fake itself (answered as 500)
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(700_000_001)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._open_callbacks: set[str] = set()
        self._failures: list[_Failure] = []
        self._init_server()

    # -- lifecycle (start/stop/url/context manager: FakeServer) ---------------------------------

    def _handler_class(self) -> type[FakeHandler]:
        return _Handler

    def _on_stop(self) -> None:
        with self._cond:
            self._cond.notify_all()

    # -- the people on the other side ---------------------------------------------------------------

    def add_chat(
        self, chat_id: int, first_name: str = "Anna", *, chat_type: str = "private"
    ) -> dict[str, Any]:
        """A chat the bot may write to (a private chat's id is its user's id)."""
        with self._lock:
            chat = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = first_name
            else:
                chat["title"] = first_name
            self.chats.setdefault(chat_id, chat)
            return self.chats[chat_id]

    def _user(self, chat_id: int) -> dict[str, Any]:
        chat = self.chats[chat_id]
        return {
            "id": chat_id if chat["type"] == "private" else abs(chat_id) % 10**9 + 1,
            "is_bot": False,
            "first_name": chat.get("first_name", "Anna"),
            "language_code": "ru",
        }

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Job Hunter", "username": self.username}

    def user_sends(
        self, chat_id: int, text: str, *, first_name: str = "Anna", chat_type: str = "private"
    ) -> int:
        """The user writes ``text`` in the chat (e.g. opens ``t.me/<bot>?start=X`` → ``/start X``)."""
        with self._cond:
            self.add_chat(chat_id, first_name, chat_type=chat_type)
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "from": self._user(chat_id),
                "chat": dict(self.chats[chat_id]),
                "date": int(time.time()),
                "text": text,
            }
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
            return self._push({"message": message})

    def user_presses(self, chat_id: int, data: str, *, message: Sent | None = None) -> str:
        """The user presses an inline button with ``data`` under ``message`` (default: the bot's last
        message in that chat); returns the callback query id."""
        with self._cond:
            self.add_chat(chat_id)
            if message is None:
                mine = [s for s in self.sent if s.chat_id == chat_id]
                message = mine[-1] if mine else None
            shown = {
                "message_id": message.message_id if message else next(self._message_ids),
                "from": self._bot_user(),
                "chat": dict(self.chats[chat_id]),
                "date": int(time.time()),
                "text": (message.plain if message else None) or "…",
            }
            if message is not None and message.reply_markup:
                shown["reply_markup"] = message.reply_markup
            query_id = str(next(self._callback_ids))
            self._open_callbacks.add(query_id)
            self._push(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": self._user(chat_id),
                        "message": shown,
                        "chat_instance": str(-abs(hash((chat_id, self.bot_id)))),
                        "data": data,
                    }
                }
            )
            return query_id

    def user_blocks(self, chat_id: int) -> int:
        """The user blocks the bot: sends fail with 403, and the bot gets a ``my_chat_member`` update."""
        return self._member_change(chat_id, "member", "kicked")

    def user_unblocks(self, chat_id: int) -> int:
        return self._member_change(chat_id, "kicked", "member")

    def _member_change(self, chat_id: int, old: str, new: str) -> int:
        with self._cond:
            self.add_chat(chat_id)
            if new == "kicked":
                self.blocked.add(chat_id)
            else:
                self.blocked.discard(chat_id)
            old_member: dict[str, Any] = {"user": self._bot_user(), "status": old}
            new_member: dict[str, Any] = {"user": self._bot_user(), "status": new}
            for member in (old_member, new_member):
                if member["status"] == "kicked":
                    member["until_date"] = 0
            return self._push(
                {
                    "my_chat_member": {
                        "chat": dict(self.chats[chat_id]),
                        "from": self._user(chat_id),
                        "date": int(time.time()),
                        "old_chat_member": old_member,
                        "new_chat_member": new_member,
                    }
                }
            )

    def _push(self, body: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **body})
        self._cond.notify_all()
        return update_id

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    # -- faults ---------------------------------------------------------------------------------------

    def fail_next(
        self,
        n: int,
        status: int = 429,
        *,
        method: str | None = None,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next ``n`` calls (of ``method``, or any but getUpdates) with an error ``status``.

        429 carries ``parameters.retry_after`` (default 1) and "Too Many Requests: retry after N".
        """
        with self._lock:
            self._failures.append(
                _Failure(n, status, method.lower() if method else None, retry_after, description)
            )

    def _take_failure(self, method: str) -> _ApiError | None:
        with self._lock:
            for failure in self._failures:
                if failure.remaining <= 0:
                    continue
                if failure.method is None and method == "getupdates":
                    continue
                if failure.method is not None and failure.method != method:
                    continue
                failure.remaining -= 1
                if failure.status == 429:
                    wait = failure.retry_after if failure.retry_after is not None else 1
                    return _ApiError(
                        429,
                        failure.description or f"Too Many Requests: retry after {wait}",
                        {"retry_after": wait},
                    )
                default = {
                    400: "Bad Request: chat not found",
                    403: "Forbidden: bot was blocked by the user",
                    500: "Internal Server Error",
                    502: "Bad Gateway",
                }.get(failure.status, "Error")
                return _ApiError(failure.status, failure.description or default)
        return None

    # -- what the bot did -------------------------------------------------------------------------------

    def messages(self, chat_id: int | None = None) -> list[Sent]:
        """Text messages the bot sent (to ``chat_id``)."""
        with self._lock:
            return [s for s in self.sent if s.text is not None and chat_id in (None, s.chat_id)]

    def documents(self, chat_id: int | None = None) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.content is not None and chat_id in (None, s.chat_id)]

    def count(self, method: str) -> int:
        with self._lock:
            return sum(1 for c in self.calls if c.method.lower() == method.lower())

    def wait_until(self, predicate: Any, timeout: float = 120.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return bool(predicate())

    # -- the API ------------------------------------------------------------------------------------------

    def _dispatch(self, method: str, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Any:
        failure = self._take_failure(method)
        if failure is not None:
            raise failure
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise _ApiError(404, "Not Found")
        return handler(params, files)

    def _api_getme(self, params: dict[str, str], files: Any) -> Any:
        return self._bot_user() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _chat_for_sending(self, params: dict[str, str]) -> dict[str, Any]:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(raw)
        except ValueError:
            raise _ApiError(400, "Bad Request: chat not found") from None
        with self._lock:
            chat = self.chats.get(chat_id)
            if chat is None:
                raise _ApiError(400, "Bad Request: chat not found")
            if chat_id in self.blocked:
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
            return chat

    def _formatted(self, text: str, parse_mode: str | None) -> str:
        mode = (parse_mode or "").lower()
        if mode == "html":
            return parse_html(text)
        if mode in ("", "none"):
            return text
        if mode in ("markdown", "markdownv2"):
            return text  # not used by Job Hunter: accepted verbatim
        raise _ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")

    def _markup(self, params: dict[str, str]) -> dict[str, Any] | None:
        raw = params.get("reply_markup")
        if not raw:
            return None
        try:
            markup = json.loads(raw)
        except ValueError:
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object") from None
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                if not button.get("text"):
                    raise _ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _message(self, chat: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "from": self._bot_user(),
            "chat": dict(chat),
            "date": int(time.time()),
            **{k: v for k, v in fields.items() if v is not None},
        }

    def _api_sendmessage(self, params: dict[str, str], files: Any) -> Any:
        chat = self._chat_for_sending(params)
        text = params.get("text", "")
        plain = self._formatted(text, params.get("parse_mode"))
        if not plain.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(plain) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = self._markup(params)
        with self._lock:
            message = self._message(chat, text=plain, reply_markup=markup)
            self.sent.append(
                Sent(
                    chat["id"],
                    message["message_id"],
                    text=text,
                    plain=plain,
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup,
                    params=dict(params),
                )
            )
        return message

    def _api_senddocument(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Any:
        chat = self._chat_for_sending(params)
        if "document" not in files:
            if params.get("document"):
                raise _ApiError(400, "Bad Request: wrong remote file identifier specified")
            raise _ApiError(400, "Bad Request: there is no document in the request")
        filename, content = files["document"]
        if not content:
            raise _ApiError(400, "Bad Request: file must be non-empty")
        caption = params.get("caption")
        plain_caption = self._formatted(caption, params.get("parse_mode")) if caption else None
        if plain_caption and _utf16_len(plain_caption) > MAX_CAPTION:
            raise _ApiError(400, "Bad Request: message caption is too long")
        markup = self._markup(params)
        with self._lock:
            document = {
                "file_name": filename,
                "mime_type": "text/csv" if filename.endswith(".csv") else "application/octet-stream",
                "file_id": f"BQACAgIAAxkBAAI{next(self._message_ids):08d}",
                "file_unique_id": f"AgAD{len(self.sent):06d}",
                "file_size": len(content),
            }
            message = self._message(chat, document=document, caption=plain_caption, reply_markup=markup)
            self.sent.append(
                Sent(
                    chat["id"],
                    message["message_id"],
                    filename=filename,
                    content=content,
                    caption=caption,
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup,
                    params=dict(params),
                )
            )
        return message

    def _api_getupdates(self, params: dict[str, str], files: Any) -> Any:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        deadline = time.monotonic() + wait
        with self._cond:
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            while not self._updates and self._server is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return [dict(u) for u in self._updates[:limit]]

    def _api_answercallbackquery(self, params: dict[str, str], files: Any) -> Any:
        query_id = params.get("callback_query_id", "")
        with self._lock:
            if query_id not in self._open_callbacks:
                raise _ApiError(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            text = params.get("text") or ""
            if _utf16_len(text) > 200:
                raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            self._open_callbacks.discard(query_id)
            self.answers.append({"callback_query_id": query_id, "text": text, **params})
        return True

    def _api_deletewebhook(self, params: dict[str, str], files: Any) -> Any:
        with self._lock:
            self.webhook_url = ""
            if params.get("drop_pending_updates", "").lower() == "true":
                self._updates.clear()
        return True

    def _api_setwebhook(self, params: dict[str, str], files: Any) -> Any:
        with self._lock:
            self.webhook_url = params.get("url", "")
        return True

    def _api_getwebhookinfo(self, params: dict[str, str], files: Any) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending_updates,
        }

    def _api_setmycommands(self, params: dict[str, str], files: Any) -> Any:
        try:
            commands = json.loads(params.get("commands") or "")
        except ValueError:
            raise _ApiError(400, "Bad Request: can't parse commands JSON object") from None
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")) or not command.get(
                "description"
            ):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        with self._lock:
            self.commands = commands
        return True


# -- HTTP plumbing -------------------------------------------------------------------------------------------


_PATH = re.compile(r"^/bot([^/]+)/([A-Za-z]+)$")


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if not body:
        return fields, files
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        fields = {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    elif kind == "application/json":
        data = json.loads(body.decode("utf-8") or "{}")
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    elif kind == "multipart/form-data":
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files[str(name)] = (filename, payload)
            else:
                fields[str(name)] = payload.decode("utf-8")
    return fields, files


class _Handler(FakeHandler):
    fake: FakeTelegram
    server_version = "nginx/1.18.0"

    def _handle(self, http_method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        method = ""
        status = 200
        try:
            match = _PATH.match(parts.path)
            if not match:
                raise _ApiError(404, "Not Found")
            token, method = match.group(1), match.group(2).lower()
            if token != fake.token:
                raise _ApiError(401, "Unauthorized")
            fields, files = _parse_body(self.headers.get("Content-Type", ""), body)
            params |= fields
            result = fake._dispatch(method, params, files)
            payload: dict[str, Any] = {"ok": True, "result": result}
        except _ApiError as error:
            status = error.code
            payload = {"ok": False, "error_code": error.code, "description": error.description}
            if error.parameters:
                payload["parameters"] = error.parameters
        except Exception as error:  # a bug in the fake: keep it for the test to see
            fake.errors.append(error)
            status = 500
            payload = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        with fake._lock:
            fake.calls.append(Call(method, dict(params), status, http_method, time.time()))
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
