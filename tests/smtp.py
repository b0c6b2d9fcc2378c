"""A small SMTP server for tests: speaks enough of RFC 5321 (EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT) for smtplib, and keeps each message it is given as (sender, recipients, bytes)."""

import email
import email.policy
import socketserver
import threading


class SmtpServer:
    """Listening on 127.0.0.1 at `port` until `close()`; `received` holds what it was given."""

    def __init__(self):
        self.received = []
        self.refused = set()  # recipients answered 550
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                sender, recipients = None, []
                self.reply("220 localhost test SMTP")
                while line := self.rfile.readline():
                    command = line.decode("ascii", "replace").strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250-localhost" if verb == "EHLO" else "250 localhost")
                        if verb == "EHLO":
                            self.reply("250 8BITMIME")
                    elif verb == "MAIL":
                        sender, recipients = command.partition(":")[2].strip(" <>"), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipient = command.partition(":")[2].strip(" <>")
                        if recipient in server.refused:
                            self.reply(f"550 <{recipient}>: no such mailbox")
                            continue
                        recipients.append(recipient)
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        server.received.append((sender, recipients, data))
                        self.reply("250 OK: queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    else:
                        self.reply("502 Command not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def messages(self):
        """What was received, parsed: (sender, recipients, email.message.EmailMessage)."""
        return [
            (sender, recipients, email.message_from_bytes(data, policy=email.policy.default))
            for sender, recipients, data in self.received
        ]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
