/** Entry point of the `obelisk` command. */
export async function main(argv: string[]): Promise<void> {
  process.stdout.write(`obelisk: commands are being built; got ${argv.join(' ')}\n`);
}
