/**
 * A known failure of a command: printed as one line on stderr, exit 1 (src/cli/main.ts). It lives
 * in its own module, with nothing imported, so the CLI's entry can recognise it without loading
 * the application (root `--help` must stay light: src/cli/commands/index.ts).
 */
export class CliError extends Error {}
