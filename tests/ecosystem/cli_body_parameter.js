// What the pinned CDK CLI does with a stack's template at `cdk deploy`: its own
// makeBodyParameter (aws-cdk-cli, toolkit-lib/lib/api/cloudformation/template-body-parameter.ts),
// exported by the aws-cdk package. Offline: nothing here reaches AWS.
//
// node cli_body_parameter.js TEMPLATE.json OUTDIR ASSET_URL BOOTSTRAPPED
//   ASSET_URL: the artifact's stackTemplateAssetObjectUrl, or "" for a synthesizer without one
//   BOOTSTRAPPED: "yes" or "no", what the environment's toolkit lookup finds
// Prints one JSON line: {"parameter": "TemplateBody"|"TemplateURL"|null, "error": ...,
// "yamlLength": N} (N: the YAML the CLI measured, when it wrote it).
const fs = require('fs');
const path = require('path');
const cli = require(path.resolve(__dirname, '../../node_modules/aws-cdk/lib/index.js'));

const [templatePath, outdir, assetUrl, bootstrapped] = process.argv.slice(2);
const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
const stack = {
  template,
  stackTemplateAssetObjectUrl: assetUrl || undefined,
  displayName: 'Stack',
  dependencies: [],
  id: 'Stack',
  templateFile: 'Stack.template.json',
  assembly: { directory: outdir },
};
const quiet = async () => {};
const io = { defaults: { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet } };
const environment = { account: '123456789012', region: 'eu-west-1', name: 'aws://123456789012/eu-west-1' };
const toolkit = bootstrapped === 'yes'
  ? { found: true, bucketUrl: 'https://cdk-bucket.s3.eu-west-1.amazonaws.com', bucketName: 'cdk-bucket', version: 30 }
  : { found: false };
const resources = { lookupToolkit: async () => toolkit };
const assets = { addFileAsset: () => {} };

(async () => {
  let result;
  try {
    // The template is passed again as an override so that a large one is written to OUTDIR
    // as the YAML the CLI would upload (the CLI does the same for a changed template).
    const parameter = await cli.makeBodyParameter(io, stack, environment, assets, resources,
      assetUrl ? undefined : template);
    result = { parameter: Object.keys(parameter)[0], error: null };
    if (parameter.TemplateBody) result.yamlLength = parameter.TemplateBody.length;
  } catch (error) {
    result = { parameter: null, error: String(error.message || error) };
  }
  const written = fs.readdirSync(outdir).filter((name) => name.endsWith('.yaml'));
  if (result.yamlLength === undefined && written.length) {
    result.yamlLength = fs.readFileSync(path.join(outdir, written[0]), 'utf-8').length;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
})();
