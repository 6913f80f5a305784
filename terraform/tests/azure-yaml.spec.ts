import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfiguration, type Configuration } from './support/hcl';

// No package on npm carries azd's JSON schema (azure.yaml.json lives only in the azure-dev repository),
// so this checks what azd needs from azure.yaml and what this project relies on: the Terraform
// provider, both services as Function Apps deployed from `npm run package`'s folders, resource names
// that terraform/ really outputs, and hooks that exist.
const ROOT = join(__dirname, '..', '..');

interface Service {
  project: string;
  language: string;
  host: string;
  dist?: string;
  resourceName?: string;
  resourceGroup?: string;
}
interface AzureYaml {
  name: string;
  infra: { provider: string; path: string };
  services: Record<string, Service>;
  hooks?: Record<string, { shell: string; run: string }>;
}

const azureYaml = parse(
  readFileSync(join(ROOT, 'azure.yaml'), 'utf8'),
) as AzureYaml;

describe('azure.yaml (Azure Developer CLI)', () => {
  let config: Configuration;

  beforeAll(async () => {
    config = await loadConfiguration();
  });

  it('names the project and provisions terraform/ with the Terraform provider', () => {
    expect(azureYaml.name).toMatch(/^[a-z][a-z0-9-]+$/);
    expect(azureYaml.infra).toEqual({ provider: 'terraform', path: 'terraform' });
  });

  it('deploys exactly both apps as Function Apps from their packaged folders', () => {
    expect(Object.keys(azureYaml.services).sort()).toEqual([
      'audit',
      'patient-tests',
    ]);
    for (const [name, service] of Object.entries(azureYaml.services)) {
      expect(service).toMatchObject({
        project: '.',
        language: 'js',
        host: 'function',
        dist: `dist/functions/${name}`,
      });
    }
    expect(azureYaml.hooks?.prepackage.run).toContain('npm run package');
  });

  it('finds each app by names that terraform/ outputs', () => {
    const outputs = new Set(config.outputs.map((o) => o.name.toUpperCase()));
    const referenced = JSON.stringify(azureYaml).match(/\$\{([A-Z_]+)\}/g) ?? [];
    expect(referenced.length).toBeGreaterThanOrEqual(4);
    for (const variable of referenced.map((v) => v.slice(2, -1))) {
      expect({ variable, output: outputs.has(variable) }).toEqual({
        variable,
        output: true,
      });
    }
  });

  it('runs hook scripts that exist, in deployment order', () => {
    const hooks = azureYaml.hooks ?? {};
    expect(Object.keys(hooks)).toEqual(['prepackage', 'predeploy', 'postdeploy']);
    for (const hook of Object.values(hooks)) {
      expect(['sh', 'pwsh']).toContain(hook.shell);
      const script = /^(scripts\/[\w.-]+)/.exec(hook.run)?.[1];
      if (script) {
        expect(() => readFileSync(join(ROOT, script))).not.toThrow();
      }
    }
    expect(hooks.postdeploy.run).toContain('after-deploy');
  });
});
