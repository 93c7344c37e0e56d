import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sparticuzChromium from '@sparticuz/chromium';

/** Debian's package; used when installed, so machines that have it need no extraction. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumBinary {
  executablePath: string;
  /** Environment the browser process needs beside the test's own. */
  env: Record<string, string>;
}

/**
 * The browser for end-to-end tests without apt and without downloads: `CHROMIUM_PATH` when set to a
 * file, Debian's Chromium when present, otherwise the Chromium inside the `@sparticuz/chromium` npm
 * tarball (headless shell, extracted once to the temporary folder). `CHROMIUM_PATH=npm` forces the
 * npm package even where Debian's Chromium is installed.
 */
export async function chromiumBinary(): Promise<ChromiumBinary> {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted && wanted !== 'npm') {
    if (!existsSync(wanted)) throw new Error(`CHROMIUM_PATH=${wanted} does not exist`);
    return { executablePath: wanted, env: {} };
  }
  if (!wanted && existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, env: {} };

  const executablePath = await sparticuzChromium.executablePath();
  // The binary links NSS and expat, which a bare machine lacks; the package ships them (built for
  // Amazon Linux 2023, glibc 2.34) but unpacks them only on AWS, so unpack them with its own helper.
  const build = dirname(require.resolve('@sparticuz/chromium'));
  const { inflate } = require(join(build, 'lambdafs.cjs')) as { inflate: (file: string) => Promise<string> };
  const libraries = await inflate(join(build, '..', '..', 'bin', 'al2023.tar.br'));
  return { executablePath, env: { LD_LIBRARY_PATH: join(libraries, 'lib'), FONTCONFIG_PATH: join(tmpdir(), 'fonts') } };
}
