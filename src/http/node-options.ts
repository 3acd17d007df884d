/**
 * The Node command-line options that change http's defaults, read once from
 * `process.execArgv` and `NODE_OPTIONS`: `--max-http-header-size=<bytes>`
 * (`http.maxHeaderSize`, 16 KiB otherwise) and `--insecure-http-parser`
 * (lenient parsing unless a server or request says otherwise).
 */

function optionArgs(): string[] {
  const args = [...process.execArgv];
  const env = process.env.NODE_OPTIONS;
  if (env) for (const a of env.split(/\s+/)) if (a) args.push(a);
  return args;
}

function readOptions(): { maxHeaderSize: number; insecureHTTPParser: boolean } {
  let maxHeaderSize = 16 * 1024;
  let insecureHTTPParser = false;
  const args = optionArgs();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--insecure-http-parser') insecureHTTPParser = true;
    else if (a === '--no-insecure-http-parser') insecureHTTPParser = false;
    else if (a.startsWith('--max-http-header-size')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0) maxHeaderSize = n;
    }
  }
  return { maxHeaderSize, insecureHTTPParser };
}

/** Node's command-line defaults for http. */
export const nodeOptions = readOptions();
