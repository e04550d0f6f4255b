// A local SMTP sink for the browser tests: takes mail as a relay would, on
// 127.0.0.1:$SMTP_SINK_PORT, and writes each message to $SMTP_SINK_DIR as
// <time>-<recipient>.eml, where a scenario reads it (tests/account.spec.ts).
import { createServer } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const port = Number(process.env.SMTP_SINK_PORT);
const dir = process.env.SMTP_SINK_DIR;
mkdirSync(dir, { recursive: true });

createServer((socket) => {
  let buffer = "";
  let data = null;
  let to = [];
  const reply = (line) => socket.write(`${line}\r\n`);
  reply("220 sink ESMTP");
  socket.on("data", (chunk) => {
    buffer += chunk.toString("utf8");
    let end;
    while ((end = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data !== null) {
        if (line === ".") {
          const name = `${Date.now()}-${to.join(",").replace(/[^a-z0-9@.,-]/gi, "")}.eml`;
          writeFileSync(join(dir, name), data.join("\n"));
          data = null;
          to = [];
          reply("250 OK queued");
        } else {
          data.push(line.startsWith(".") ? line.slice(1) : line);
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === "EHLO") reply("250-sink\r\n250 8BITMIME");
      else if (verb === "RCPT") { to.push(line.slice(8).trim().replace(/[<>]/g, "")); reply("250 OK"); }
      else if (verb === "DATA") { data = []; reply("354 go on"); }
      else if (verb === "QUIT") { reply("221 bye"); socket.end(); }
      else if (["HELO", "MAIL", "RSET", "NOOP"].includes(verb)) reply("250 OK");
      else reply("502 not here");
    }
  });
  socket.on("error", () => {});
}).listen(port, "127.0.0.1");
