/**
 * `${NAME}` interpolation in config strings: `${OBELISK_TOML_DIR}` is the config file's folder, any other
 * name is read from the environment given to the loader. An unset name is an error, never an empty string,
 * so a typo cannot silently turn a path into `/src/lib.rs`.
 */

export type Interpolated = { ok: true; value: string } | { ok: false; problem: string };

const REF = /\$\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function interpolate(text: string, vars: (name: string) => string | undefined): Interpolated {
  let problem: string | undefined;
  const value = text.replace(REF, (whole, name: string | undefined) => {
    if (problem) return whole;
    if (name === undefined) {
      problem = `unterminated \${ in ${JSON.stringify(text)}: expected \${NAME}, for example "\${OBELISK_TOML_DIR}/state"`;
    } else if (!NAME.test(name)) {
      problem = `invalid variable name ${JSON.stringify(name)} in ${JSON.stringify(text)}: expected letters, digits and _, for example \${HOME}`;
    } else {
      const v = vars(name);
      if (v !== undefined) return v;
      problem = `environment variable ${name} is not set (used as \${${name}} in ${JSON.stringify(text)}); set it, or write the value literally`;
    }
    return whole;
  });
  return problem === undefined ? { ok: true, value } : { ok: false, problem };
}
