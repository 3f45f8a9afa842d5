/**
 * The YAML subset dbt project files use (block mappings, block sequences, `[a, b]` flow lists, quoted and plain
 * scalars, comments), enough to read `dbt_project.yml` paths and `sources:` / `seeds:` declarations. Anything it does
 * not understand (anchors, multi-line scalars) is skipped rather than failing: lineage must never crash on a project.
 */

export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue } | null;

interface Line {
  indent: number;
  text: string;
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function scalar(raw: string): YamlValue {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))) return s.slice(1, -1);
  if (s.startsWith('[') && s.endsWith(']')) {
    const inner = s.slice(1, -1).trim();
    return inner ? inner.split(',').map((x) => scalar(x)) : [];
  }
  return s;
}

/** Splits `key: value` at the first colon followed by a blank or end of line (outside quotes). */
function splitKey(text: string): [string, string] | undefined {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ':' && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\t')) {
      return [String(scalar(text.slice(0, i)) ?? ''), text.slice(i + 1).trim()];
    }
  }
  return undefined;
}

export function parseYamlLite(source: string): YamlValue {
  const lines: Line[] = [];
  for (const rawLine of source.split(/\r?\n/)) {
    if (/^\s*(---|\.\.\.)\s*$/.test(rawLine)) continue;
    const text = stripComment(rawLine).replace(/\s+$/, '');
    if (!text.trim()) continue;
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim() });
  }
  let pos = 0;

  const block = (indent: number): YamlValue => {
    if (pos >= lines.length) return null;
    const first = lines[pos];
    if (first.indent < indent) return null;
    const level = first.indent;
    if (first.text.startsWith('- ') || first.text === '-') {
      const list: YamlValue[] = [];
      while (pos < lines.length && lines[pos].indent === level && (lines[pos].text.startsWith('- ') || lines[pos].text === '-')) {
        const rest = lines[pos].text.slice(1).trimStart();
        if (!rest) {
          pos++;
          list.push(block(level + 1));
          continue;
        }
        // "- key: value" starts a mapping whose further keys sit at the column after "- ".
        const kv = splitKey(rest);
        if (kv) {
          lines[pos] = { indent: level + 2, text: rest };
          list.push(mapping(level + 2));
        } else {
          pos++;
          list.push(scalar(rest));
        }
      }
      return list;
    }
    return mapping(level);
  };

  const mapping = (level: number): YamlValue => {
    const obj: { [key: string]: YamlValue } = {};
    while (pos < lines.length && lines[pos].indent === level) {
      const kv = splitKey(lines[pos].text);
      if (!kv) {
        pos++;
        continue;
      }
      pos++;
      const [key, value] = kv;
      if (value === '' || value === '|' || value === '>' || value === '|-' || value === '>-') {
        if (value.startsWith('|') || value.startsWith('>')) {
          while (pos < lines.length && lines[pos].indent > level) pos++;
          obj[key] = null;
          continue;
        }
        const next = lines[pos];
        if (next && (next.indent > level || (next.indent === level && next.text.startsWith('-')))) obj[key] = block(next.indent);
        else obj[key] = null;
      } else obj[key] = scalar(value);
    }
    // Skip lines indented deeper that we did not consume (unsupported constructs).
    while (pos < lines.length && lines[pos].indent > level) pos++;
    return obj;
  };

  try {
    return block(0);
  } catch {
    return null;
  }
}
