// Builds src/ into one ES module, dist/junction.js, and copies its type declarations
// and the API reference viewer (Redoc's self-contained bundle, pinned by the lockfile,
// which `junction serve` serves at /docs).
// Deterministic: the same source and lockfile give the same bytes, so the test command
// can rebuild and compare with the committed file. `--check` compares instead of writing.
import { build } from "esbuild";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET_GZIP_BYTES = 40 * 1024;
const check = process.argv.includes("--check");

const result = await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  format: "esm",
  target: "es2021",
  minify: true,
  legalComments: "eof",
  write: false,
  charset: "utf8",
});
const js = result.outputFiles[0].contents;
const dts = readFileSync("src/junction.d.ts");
const redoc = readFileSync("node_modules/redoc/bundles/redoc.standalone.js");
const redocLicense = Buffer.concat([
  readFileSync("node_modules/redoc/LICENSE"),
  Buffer.from("\n\nBundled third-party licenses:\n\n"),
  readFileSync("node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt"),
]);
const outputs = [
  ["dist/junction.js", js],
  ["dist/junction.d.ts", dts],
  ["dist/redoc.standalone.js", redoc],
  ["dist/redoc.LICENSE.txt", redocLicense],
];
const gz = gzipSync(js, { level: 9 }).length;
console.log(`widget: dist/junction.js ${js.length} bytes, ${gz} bytes gzipped (budget ${BUDGET_GZIP_BYTES})`);
if (gz > BUDGET_GZIP_BYTES) {
  console.error(`widget: over budget by ${gz - BUDGET_GZIP_BYTES} bytes gzipped`);
  process.exit(1);
}
if (check) {
  const stale = [];
  for (const [file, bytes] of outputs) {
    let committed = null;
    try { committed = readFileSync(file); } catch {}
    if (!committed || Buffer.compare(committed, Buffer.from(bytes)) !== 0) stale.push(file);
  }
  if (stale.length) {
    console.error(`widget: ${stale.join(", ")} differ from what src/ builds to; run \`npm run build\` in widget/ and commit the result`);
    process.exit(1);
  }
  console.log("widget: the committed build matches the source");
} else {
  mkdirSync("dist", { recursive: true });
  for (const [file, bytes] of outputs) writeFileSync(file, bytes);
}
