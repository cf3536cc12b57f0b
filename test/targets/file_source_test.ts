import assert from "node:assert/strict";
import { withTempDir } from "../_support/temp_dir.ts";
import { createFileSource } from "../../src/targets/file_source.ts";
import { SourceError } from "../../src/targets/source_error.ts";
import { busyFilePool, within } from "../_support/busy_file_pool.ts";

async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SourceError, String(e));
    return e;
  }
  throw new Error("expected the load to fail");
}

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir(fn, { realPath: true });

Deno.test("file source reads JSON and YAML files matched by a glob, in name order", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/b.yml`, "- targets: ['b.example']\n  labels: {f: b}\n");
    await Deno.writeTextFile(`${dir}/a.json`, '[{"targets": ["a.example"], "labels": {"f": "a"}}]');
    await Deno.writeTextFile(`${dir}/notes.txt`, "ignored");
    const source = createFileSource({
      name: "f",
      paths: [`${dir}/*.json`, `${dir}/*.yml`],
      probes: ["icmp"],
    });
    assert.deepEqual(await source.load(new AbortController().signal), [
      { targets: ["a.example"], labels: { f: "a" } },
      { targets: ["b.example"], labels: { f: "b" } },
    ]);
    assert.equal(source.refreshMs, 300_000);
  }));

Deno.test("file source fails with the file name when one file is bad", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.json`, '[{"targets": ["a.example"]}]');
    await Deno.writeTextFile(`${dir}/b.json`, '[{"targets": ["bad host"]}]');
    const source = createFileSource({ name: "f", paths: [`${dir}/*.json`], probes: ["icmp"] });
    const e = await failure(source.load(new AbortController().signal));
    assert.equal(e.reason, "format");
    assert.equal(
      e.message,
      `${dir}/b.json: group 0.targets[0]: invalid address "bad host": "bad host" is not an IPv4 address or a DNS name`,
    );
  }));

Deno.test("file source fails with reason io when a named file is missing", () =>
  withDir(async (dir) => {
    const source = createFileSource({
      name: "f",
      paths: [`${dir}/missing.json`],
      probes: ["icmp"],
    });
    const e = await failure(source.load(new AbortController().signal));
    assert.equal(e.reason, "io");
    assert.equal(e.message, `${dir}/missing.json: cannot read: no such file`);
  }));

Deno.test("file source rejects a file over max_bytes and targets over max_targets", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.json`, JSON.stringify([{ targets: ["a", "b", "c"] }]));
    await Deno.writeTextFile(`${dir}/b.json`, JSON.stringify([{ targets: ["d", "e"] }]));
    const small = createFileSource({
      name: "f",
      paths: [`${dir}/a.json`],
      probes: ["icmp"],
      maxBytes: 10,
    });
    const e1 = await failure(small.load(new AbortController().signal));
    assert.equal(e1.reason, "too_large");
    assert.equal(e1.message, `${dir}/a.json: file exceeds the limit of 10 bytes`);
    const few = createFileSource({
      name: "f",
      paths: [`${dir}/*.json`],
      probes: ["icmp"],
      maxTargets: 4,
    });
    const e2 = await failure(few.load(new AbortController().signal));
    assert.equal(e2.reason, "too_many_targets");
    assert.equal(e2.message, `${dir}/b.json: more than 4 targets in all files`);
  }));

Deno.test("file source watch() calls back when a matching file is written", () =>
  withDir(async (dir) => {
    const source = createFileSource({ name: "f", paths: [`${dir}/*.json`], probes: ["icmp"] });
    const ctl = new AbortController();
    const changed = Promise.withResolvers<void>();
    let calls = 0;
    source.watch!(() => {
      calls++;
      changed.resolve();
    }, ctl.signal);
    await Deno.writeTextFile(`${dir}/other.txt`, "x");
    await Deno.writeTextFile(`${dir}/a.json`, "[]");
    await changed.promise;
    ctl.abort();
    assert.ok(calls >= 1);
  }));

Deno.test("file source reads files and globs while every file thread is busy", () =>
  withDir(async (dir) => {
    await Deno.mkdir(`${dir}/sd`);
    await Deno.writeTextFile(`${dir}/sd/a.json`, '[{"targets": ["a.example"]}]');
    await Deno.writeTextFile(`${dir}/b.yml`, "- targets: ['b.example']\n");
    await using _pool = await busyFilePool(dir);
    const source = createFileSource({
      name: "f",
      paths: [`${dir}/sd/*.json`, `${dir}/b.yml`],
      probes: ["icmp"],
    });
    assert.deepEqual(
      await within("the file source load", source.load(new AbortController().signal)),
      [
        { targets: ["a.example"], labels: {} },
        { targets: ["b.example"], labels: {} },
      ],
    );
  }));

Deno.test("file source refuses a FIFO named like a target file (never blocks on it)", () =>
  withDir(async (dir) => {
    assert.equal(new Deno.Command("mkfifo", { args: [`${dir}/a.json`] }).outputSync().code, 0);
    const source = createFileSource({ name: "f", paths: [`${dir}/a.json`], probes: ["icmp"] });
    const e = await failure(
      within("the file source load", source.load(new AbortController().signal)),
    );
    assert.equal(e.reason, "io");
    assert.equal(e.message, `${dir}/a.json: cannot read: expected a regular file`);
  }));
