/**
 * A private directory for the kernel's Unix sockets that is short enough for them. Socket paths must fit in
 * sun_path (108 bytes with the NUL on Linux, 104 on macOS), so a long TMPDIR cannot hold them; instead of falling
 * back to loopback TCP (reachable by every local user), other places are tried, and each is checked like ssh-agent
 * and tmux check theirs: a fresh 0700 directory we own, under parents no other user can swap.
 */
import { lstatSync, mkdtempSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { RunnerError } from "./errors";

/** Longest socket path the OS accepts, in bytes (sun_path less its terminating NUL). */
export const MAX_SOCKET_PATH_BYTES = process.platform === "linux" ? 107 : 103;

/** The longest name a socket gets inside the directory (connection.ts names them `k:1` … `k:5`). */
export const SOCKET_NAME_SAMPLE = "k:5";

/** A place where a private directory may be made, and where that place came from. */
export interface SocketDirCandidate {
  base: string;
  origin: string;
}

/** Why no directory could be used; `tried` names each place and what was wrong with it. */
export class NoPrivateSocketDirError extends RunnerError {
  override name = "NoPrivateSocketDirError";
  constructor(readonly tried: string[]) {
    super(
      "no private directory short enough for the kernel's Unix sockets " +
        `(at most ${MAX_SOCKET_PATH_BYTES} bytes per socket path); tried:\n` +
        tried.map((line) => `  ${line}`).join("\n") +
        "\nSet TMPDIR to a short directory of your own (e.g. TMPDIR=/tmp), or, knowing that every local user can then " +
        "reach the kernel's ports, choose loopback TCP explicitly with --transport tcp (or WORKBOOK_TRANSPORT=tcp).",
    );
  }
}

/** Where to look, in order: $XDG_RUNTIME_DIR (per-user, 0700), $TMPDIR (os.tmpdir()), /tmp, /dev/shm. */
export function defaultSocketDirCandidates(env: NodeJS.ProcessEnv = process.env): SocketDirCandidate[] {
  const candidates: SocketDirCandidate[] = [];
  if (env.XDG_RUNTIME_DIR) candidates.push({ base: env.XDG_RUNTIME_DIR, origin: "$XDG_RUNTIME_DIR" });
  candidates.push({ base: tmpdir(), origin: env.TMPDIR ? "$TMPDIR" : "the system temp directory" });
  candidates.push({ base: "/tmp", origin: "/tmp" }, { base: "/dev/shm", origin: "/dev/shm" });
  const seen = new Set<string>();
  return candidates.filter(({ base }) => !seen.has(base) && seen.add(base));
}

/**
 * Creates a fresh private directory (mode 0700, owned by this user, not a symlink) in the first candidate whose
 * socket paths fit; throws NoPrivateSocketDirError naming every place tried and why it was refused.
 */
export function createPrivateSocketDir(candidates: SocketDirCandidate[] = defaultSocketDirCandidates(), prefix = "tslab-"): string {
  const tried: string[] = [];
  for (const { base, origin } of candidates) {
    const problem = unsafeBase(base);
    if (problem) {
      tried.push(`${origin} (${base}): ${problem}`);
      continue;
    }
    const real = realpathSync(base);
    // mkdtemp appends six characters; check before creating anything.
    const longest = socketPathBytes(join(real, `${prefix}XXXXXX`));
    if (longest > MAX_SOCKET_PATH_BYTES) {
      tried.push(`${origin} (${base}): socket paths there would be ${longest} bytes`);
      continue;
    }
    let dir: string;
    try {
      dir = mkdtempSync(join(real, prefix));
    } catch (error) {
      tried.push(`${origin} (${base}): cannot create a directory there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      continue;
    }
    const madeWrong = notPrivate(dir);
    if (madeWrong) {
      rmSync(dir, { recursive: true, force: true });
      tried.push(`${origin} (${base}): the directory made there ${madeWrong}`);
      continue;
    }
    return dir;
  }
  throw new NoPrivateSocketDirError(tried);
}

/** Bytes of the longest socket path the kernel will bind inside `dir`. */
export function socketPathBytes(dir: string): number {
  return Buffer.byteLength(join(dir, SOCKET_NAME_SAMPLE));
}

/** Why `dir` is not a private directory of ours (0700, ours, a real directory), or null if it is. */
export function notPrivate(dir: string): string | null {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return "is a symbolic link";
  if (!stat.isDirectory()) return "is not a directory";
  if (process.getuid && stat.uid !== process.getuid()) return `is owned by uid ${stat.uid}, not by this user`;
  if ((stat.mode & 0o777) !== 0o700) return `has mode ${(stat.mode & 0o777).toString(8)}, not 700`;
  return null;
}

/**
 * Why a private directory made inside `base` could be tampered with by another user, or null if it cannot:
 * every directory from `base` up to / must be owned by us or root, and one that others may write to must be
 * sticky (like /tmp), so nobody else can rename our directory away and put theirs in its place.
 */
export function unsafeBase(base: string): string | null {
  let real: string;
  try {
    real = realpathSync(base);
  } catch (error) {
    return `cannot be used (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (!statSync(real).isDirectory()) return "is not a directory";
  const uid = process.getuid?.();
  for (let dir = real; ; dir = dirname(dir)) {
    const stat = statSync(dir);
    if (uid !== undefined && stat.uid !== uid && stat.uid !== 0) return `${dir} belongs to another user (uid ${stat.uid})`;
    if ((stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0) return `${dir} is writable by other users and not sticky`;
    if (dirname(dir) === dir) return null;
  }
}
