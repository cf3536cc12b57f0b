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
