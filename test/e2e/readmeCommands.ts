/**
 * The shell commands of the README's "Using it" section: the first ```sh block after the heading, with
 * backslash-continued lines joined and comments and blank lines dropped, in order.
 */
export function readmeUsingItCommands(readme: string): string[] {
  const section = /^## Using it\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Using it" section');
  const block = /^```sh\n([\s\S]*?)^```/m.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md\'s "Using it" section has no ```sh block');
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Where the README's commands run in the test instead of the defaults they are written for. */
export type ReadmeTarget = { apiUrl: string; rpcUrl: string; workDir: string };

/**
 * The only rewriting the test does to a README command, so what it runs is what a reader types:
 * - the default ports: `http://127.0.0.1:8080` (API) and `http://127.0.0.1:8545` (L2 RPC) become the
 *   demo's free ports;
 * - relative paths the commands read or write, `data/…` (the demo's default data dir), `bundle.json` and `label.svg`,
 *   go under `workDir` rather than into the checkout;
 * - each `<placeholder>` is replaced by its value in `values` (what an earlier command printed); one
 *   without a value is an error, so a new placeholder in the README cannot go untested.
 */
export function substituteReadmeCommand(
  command: string,
  target: ReadmeTarget,
  values: Readonly<Record<string, string>>,
): string {
  return command
    .replaceAll("http://127.0.0.1:8080", target.apiUrl)
    .replaceAll("http://127.0.0.1:8545", target.rpcUrl)
    .replace(/(^|[\s=(])(data\/|bundle\.json\b|label\.svg\b)/g, (_m, before: string, path: string) => {
      return `${before}${target.workDir}/${path}`;
    })
    .replace(/<([a-zA-Z][\w ]*)>/g, (_m, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no value for the placeholder <${name}> in: ${command}`);
      return value;
    });
}
