// Placeholder entry until the CLI lands (issue 5). Prints the version.
const VERSION = '0.1.0';
const args = process.argv.slice(2);
if (args[0] === 'version' || args[0] === '--version' || args[0] === '-version') {
  process.stdout.write(`s3state v${VERSION}\n`);
} else {
  process.stderr.write('s3state: the CLI is not built yet\n');
  process.exitCode = 1;
}
