// The TypeScript age implementation (typage, `age-encryption` on npm), driven by
// tests/integration/age_pq.rs to check vaultfile's post-quantum age keys against it.
// scripts/test.sh installs the pinned package into tests/interop/node_modules.
//
//   node typage.mjs keygen              -> identity line, then recipient line
//   node typage.mjs decrypt IDENTITY    <  base64 age file   -> hex of the payload
//   node typage.mjs encrypt RECIPIENT   <  hex payload       -> base64 age file
import * as age from "age-encryption";

const [command, key] = process.argv.slice(2);
const input = async () => {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8").trim();
};

if (command === "keygen") {
  const identity = await age.generateHybridIdentity();
  console.log(identity);
  console.log(await age.identityToRecipient(identity));
} else if (command === "decrypt") {
  const d = new age.Decrypter();
  d.addIdentity(key);
  const out = await d.decrypt(Buffer.from(await input(), "base64"));
  console.log(Buffer.from(out).toString("hex"));
} else if (command === "encrypt") {
  const e = new age.Encrypter();
  e.addRecipient(key);
  const out = await e.encrypt(Buffer.from(await input(), "hex"));
  console.log(Buffer.from(out).toString("base64"));
} else {
  console.error(`unknown command: ${command}`);
  process.exit(2);
}
