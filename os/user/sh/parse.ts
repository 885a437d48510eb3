/**
 * The shell's command-line parser: words separated by blanks, single and double
 * quotes, and the redirections `< file`, `> file`, `>> file`, `2> file`.
 */
export interface Redirect {
  fd: number;
  path: string;
  append: boolean;
  input: boolean;
}

export interface Command {
  argv: string[];
  redirects: Redirect[];
}

export class ParseError extends Error {}

export function parse(line: string): Command | null {
  const tokens = tokenize(line);
  const argv: string[] = [];
  const redirects: Redirect[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "word") {
      argv.push(t.text);
      continue;
    }
    const target = tokens[++i];
    if (!target || target.kind !== "word") throw new ParseError(`missing file name after '${t.text}'`);
    const input = t.text === "<";
    const fd = t.text.startsWith("2") ? 2 : input ? 0 : 1;
    redirects.push({ fd, path: target.text, append: t.text.endsWith(">>"), input });
  }
  if (argv.length === 0) {
    if (redirects.length > 0) throw new ParseError("redirection without a command");
    return null;
  }
  return { argv, redirects };
}

interface Token {
  kind: "word" | "redirect";
  text: string;
}

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "#") break;
    const redir = /^(2>>|2>|>>|>|<)/.exec(line.slice(i));
    if (redir) {
      out.push({ kind: "redirect", text: redir[1]! });
      i += redir[1]!.length;
      continue;
    }
    let word = "";
    while (i < line.length && !" \t<>".includes(line[i]!)) {
      const ch = line[i]!;
      if (ch === "'" || ch === '"') {
        const end = line.indexOf(ch, i + 1);
        if (end < 0) throw new ParseError(`unterminated ${ch === "'" ? "single" : "double"} quote`);
        word += line.slice(i + 1, end);
        i = end + 1;
      } else {
        word += ch;
        i++;
      }
    }
    out.push({ kind: "word", text: word });
  }
  return out;
}
