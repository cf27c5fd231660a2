import { type BuiltDemoModel, sha256 } from "../../src/demo-models";

/** Bytes as a short human figure (kB/MB, powers of 1000, as `ls -h --si` shows them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** The lines `npm run demo-models` prints for one built demo model: each file's size and sha256, the total, the time. */
export function demoModelReport(built: BuiltDemoModel, dir: string): string[] {
  const files = Object.entries(built.files).map(([file, bytes]) => ({ file, bytes: bytes.byteLength, hash: sha256(bytes) }));
  const width = Math.max(...files.map((f) => f.file.length));
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  return [
    `${built.manifest.demo_model} → ${dir}`,
    ...files.map(({ file, bytes, hash }) => `  ${file.padEnd(width)}  ${formatBytes(bytes).padStart(9)}  ${hash}`),
    `  ${"total".padEnd(width)}  ${formatBytes(total).padStart(9)}  built in ${(built.buildMs / 1000).toFixed(2)} s`,
  ];
}
