'use strict';
// Evaluate every rule of cdk-nag's four compliance packs on every resource of synthesized
// stacks, and print the outcome per rule per resource as JSON (scripts/compliance_report.py).
//
// cdk-nag v3 reports only unacknowledged violations (NagPack.validateScope). The per-rule
// outcome (Compliant / Non-Compliant / N/A, or a list of finding ids) is what each rule
// function returns inside NagPack.applyRule, so this script replaces applyRule on each pack
// instance with one that calls the rule and records the result (N/A results are left out).
//
// The construct tree is rebuilt from the cloud assembly, as synthesis saw it: each resource
// at its original construct path, of its original L1 class (tree.json's fqn, so a resource that
// aws-cdk-lib wrote as a plain CfnResource stays one), with properties parsed from the template
// like aws-cdk-lib's CfnInclude does. Rules that look at the tree (a VPC's sibling
// RestrictDefaultSecurityGroupCustomResource, stack-wide searches) see what they saw at synth.
//
// Usage: node nag_matrix.js <node_modules dir> <spec.json>
// spec.json: [{"stack": name, "template": file, "resources": {logicalId: {"path", "fqn"}}}]
// Output: {"packs": {pack: {ruleId: {level, info}}},
//          "stacks": {stack: {"results": {pack: {ruleId: {logicalId: result}}}}}}
const path = require('path');
const fs = require('fs');

const [modules, specFile] = process.argv.slice(2);
const load = (name) => require(path.join(modules, name));
const cdk = load('aws-cdk-lib');
const { Construct } = load('constructs');
const { CfnParser } = load('aws-cdk-lib/core/lib/helpers-internal');
const nag = load('cdk-nag');

const PACKS = [
  nag.AwsSolutionsChecks,
  nag.NIST80053R5Checks,
  nag.HIPAASecurityChecks,
  nag.PCIDSS321Checks,
];

function l1Class(fqn) {
  // 'aws-cdk-lib.aws_ec2.CfnVPC' -> cdk.aws_ec2.CfnVPC; undefined for anything else.
  if (!fqn || !fqn.startsWith('aws-cdk-lib.')) return undefined;
  let value = cdk;
  for (const part of fqn.split('.').slice(1)) {
    value = value === undefined ? undefined : value[part];
  }
  return typeof value === 'function' && typeof value._fromCloudFormation === 'function'
    ? value
    : undefined;
}

function buildStack(app, spec) {
  const template = JSON.parse(fs.readFileSync(spec.template, 'utf8'));
  const stack = new cdk.Stack(app, spec.stack);
  const scopes = new Map([['', stack]]);
  const scopeAt = (dir) => {
    if (!scopes.has(dir)) {
      const cut = dir.lastIndexOf('/');
      const parent = scopeAt(cut < 0 ? '' : dir.slice(0, cut));
      scopes.set(dir, new Construct(parent, dir.slice(cut + 1)));
    }
    return scopes.get(dir);
  };
  const parameters = {};
  for (const [name, attrs] of Object.entries(template.Parameters || {})) {
    parameters[name] = new cdk.CfnParameter(stack, `Parameter.${name}`, { type: attrs.Type });
    parameters[name].overrideLogicalId(name);
  }
  const mappings = {};
  for (const [name, mapping] of Object.entries(template.Mappings || {})) {
    mappings[name] = new cdk.CfnMapping(stack, `Mapping.${name}`, { mapping });
    mappings[name].overrideLogicalId(name);
  }
  const conditions = {};
  for (const name of Object.keys(template.Conditions || {})) {
    // Rules do not evaluate conditions; a placeholder keeps Condition/Fn::If parseable.
    conditions[name] = new cdk.CfnCondition(stack, `Condition.${name}`);
    conditions[name].overrideLogicalId(name);
  }
  const resources = {};
  const resourceTemplates = template.Resources || {};
  const getOrCreate = (logicalId) => {
    if (resources[logicalId]) return resources[logicalId];
    const attrs = resourceTemplates[logicalId];
    const info = spec.resources[logicalId] || {};
    const where = info.path || `Template/${logicalId}`;
    const cut = where.lastIndexOf('/');
    const scope = scopeAt(cut < 0 ? '' : where.slice(0, cut));
    const id = where.slice(cut + 1);
    const finder = {
      findResource: (name) => (name in resourceTemplates ? getOrCreate(name) : undefined),
      findRefTarget: (name) =>
        name in parameters ? parameters[name] : finder.findResource(name),
      findCondition: (name) => conditions[name],
      findMapping: (name) => mappings[name],
    };
    const parser = new CfnParser({ finder, parameters: {} });
    const L1 = l1Class(info.fqn);
    let resource;
    if (L1 !== undefined) {
      resource = L1._fromCloudFormation(scope, id, attrs, { parser });
    } else {
      resource = new cdk.CfnResource(scope, id, {
        type: attrs.Type,
        properties: parser.parseValue(attrs.Properties),
      });
      parser.handleAttributes(resource, attrs, logicalId);
    }
    resource.overrideLogicalId(logicalId);
    resources[logicalId] = resource;
    return resource;
  };
  for (const logicalId of Object.keys(resourceTemplates)) getOrCreate(logicalId);
  return stack;
}

const specs = JSON.parse(fs.readFileSync(specFile, 'utf8'));
const out = { packs: {}, stacks: {} };
const app = new cdk.App();
for (const spec of specs) {
  const stack = buildStack(app, spec);
  const stackResults = {};
  for (const Pack of PACKS) {
    const pack = new Pack();
    const packName = pack.readPackName;
    const rules = (out.packs[packName] = out.packs[packName] || {});
    const results = (stackResults[packName] = {});
    pack.applyRule = function applyRule(params) {
      const ruleId = `${packName}-${params.ruleSuffixOverride || params.rule.name}`;
      let result;
      try {
        result = params.rule(params.node);
      } catch (error) {
        result = `ERROR: ${error.message}`;
      }
      if (result === nag.NagRuleCompliance.NOT_APPLICABLE) return;
      if (Array.isArray(result)) {
        result = result.length ? [...result].sort() : nag.NagRuleCompliance.COMPLIANT;
      }
      rules[ruleId] = { level: params.level, info: params.info };
      const logicalId = stack.resolve(params.node.logicalId);
      (results[ruleId] = results[ruleId] || {})[logicalId] = result;
    };
    pack.validateScope(stack);
  }
  out.stacks[spec.stack] = { results: stackResults };
}
process.stdout.write(JSON.stringify(out));
