// Command-line options of the scripts (cluster, bench): node:util parseArgs, with the usage line
// printed on --help (exit 0) or on a bad option (exit 2).
import { parseArgs } from 'node:util';

/**
 * Parses process.argv for `options` (node:util parseArgs' option map; `help`/`-h` is added).
 * @param {string} usage one line printed with --help and after an error
 * @param {Record<string, { type: 'string' | 'boolean', default?: string | boolean, short?: string }>} options
 * @returns {Record<string, string | boolean | undefined>} the option values; exits the process on --help or a bad option
 */
export function parseCliArgs(usage, options) {
  let values;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
