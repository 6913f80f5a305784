// Prints where @sparticuz/chromium unpacked its headless Chromium, and the flags it needs, as JSON.
// A separate process because the package is an ES module, which jest's CommonJS runtime cannot load.
import chromium from '@sparticuz/chromium';

process.stdout.write(
  JSON.stringify({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
  }),
);
