/** @module Joins a directory and a file name (POSIX); avoids node:path, whose types need @types/node. */

/** `dir` + `/` + `name`, without doubling a trailing slash. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}
