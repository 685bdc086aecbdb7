import { close, fchmod, fchown, fstat, fsync, open, read, write, type BigIntStats } from 'node:fs'

/**
 * Promises over the callback fs API with plain descriptors, for the per-file hot paths of capture, compare
 * and restore. A FileHandle (fs/promises) costs about twice as much main-thread time per call, which across
 * the four or five calls of each of 20k small files was a second of a capture. Callers close in `finally`:
 * a plain descriptor is never closed by the garbage collector.
 */

export function openFd(path: string, flags: number, mode?: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd))))
}

export function fstatFd(fd: number): Promise<BigIntStats> {
  return new Promise((resolve, reject) => fstat(fd, { bigint: true }, (err, st) => (err ? reject(err) : resolve(st))))
}

/** Reads at the current position. */
export function readFd(fd: number, buf: Uint8Array, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, offset, length, null, (err, n) => (err ? reject(err) : resolve(n))))
}

/** Writes at the current position; may write less than asked (see writeAllFd). */
export function writeFd(fd: number, buf: Uint8Array, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => write(fd, buf, offset, length, null, (err, n) => (err ? reject(err) : resolve(n))))
}

/** Loops until every byte is down. */
export async function writeAllFd(fd: number, data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length;) offset += await writeFd(fd, data, offset, data.length - offset)
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (err) => (err ? reject(err) : resolve())))
}

export function fchmodFd(fd: number, mode: number): Promise<void> {
  return new Promise((resolve, reject) => fchmod(fd, mode, (err) => (err ? reject(err) : resolve())))
}

export function fchownFd(fd: number, uid: number, gid: number): Promise<void> {
  return new Promise((resolve, reject) => fchown(fd, uid, gid, (err) => (err ? reject(err) : resolve())))
}

export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())))
}
