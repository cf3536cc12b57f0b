/** @module A self-signed certificate for localhost and 127.0.0.1, made with openssl in a temp dir. */

/** PEM certificate and key, and the certificate's file (for `tls.ca_file`). */
export interface CertPair {
  cert: string;
  key: string;
  certFile: string;
  dir: string;
}

/** Makes a P-256 certificate valid for `days`; remove `dir` when done. */
export async function selfSignedCert(days = 30): Promise<CertPair> {
  const dir = await Deno.makeTempDir();
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${dir}/k.pem`,
      "-out",
      `${dir}/c.pem`,
      "-days",
      String(days),
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
  return {
    cert: await Deno.readTextFile(`${dir}/c.pem`),
    key: await Deno.readTextFile(`${dir}/k.pem`),
    certFile: `${dir}/c.pem`,
    dir,
  };
}

/** A test CA and a leaf certificate it signed, as files in one directory and as PEM text. */
export interface CaSignedCert {
  /** The CA's certificate (PEM), to trust. */
  ca: string;
  /** `<dir>/ca.pem`. */
  caFile: string;
  /** The leaf's certificate and key (PEM); files `<dir>/cert.pem` and `<dir>/key.pem`. */
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
}

/**
 * Writes a P-256 CA (`ca.pem`, `ca.key`) and a leaf for localhost and 127.0.0.1 it signed
 * (`cert.pem`, `key.pem`), both valid for `days`, into `dir` (the caller removes it).
 */
export async function caSignedCert(dir: string, days = 2): Promise<CaSignedCert> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const valid = ["-days", String(days)];
  await openssl(
    dir,
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    ...valid,
    "-subj",
    "/CN=test CA",
  );
  await openssl(
    dir,
    "req",
    ...ec,
    "-keyout",
    "key.pem",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=localhost",
  );
  await Deno.writeTextFile(`${dir}/leaf.ext`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl(
    dir,
    ...["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"],
    ...["-out", "cert.pem", ...valid, "-extfile", "leaf.ext"],
  );
  return {
    ca: await Deno.readTextFile(`${dir}/ca.pem`),
    caFile: `${dir}/ca.pem`,
    cert: await Deno.readTextFile(`${dir}/cert.pem`),
    key: await Deno.readTextFile(`${dir}/key.pem`),
    certFile: `${dir}/cert.pem`,
    keyFile: `${dir}/key.pem`,
  };
}
