// One long-lived html-validate for the whole test process (tests/chromium.py).
// Starting Node and loading html-validate costs ~0.7 s per document; this reads one JSON
// request per line on stdin, {"html": "...", "filename": "..."}, and answers one JSON line
// with html-validate's messages for that document.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { HtmlValidate } from "html-validate";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const htmlvalidate = new HtmlValidate(config);

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const { html, filename } = JSON.parse(line);
    const report = await htmlvalidate.validateString(html, filename);
    answer = { messages: report.results.flatMap((r) => r.messages) };
  } catch (error) {
    answer = { error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
