// Entry of dist/chunks/aws-sdk.cjs: the AWS SDK packages s3state loads on first use (src/aws/load-sdk.ts),
// bundled to one CommonJS file outside the ESM chunk graph. A command that never needs the SDK (the lean
// reads of `state pull`, `output`, `workspace list`) then neither compiles nor evaluates it. Each getter
// evaluates its package on first call; packages share their @smithy/@aws-sdk dependencies.
exports['@aws-sdk/client-s3'] = () => require('@aws-sdk/client-s3');
exports['@aws-sdk/client-dynamodb'] = () => require('@aws-sdk/client-dynamodb');
exports['@aws-sdk/client-sts'] = () => require('@aws-sdk/client-sts');
exports['@aws-sdk/credential-providers'] = () => require('@aws-sdk/credential-providers');
exports['@smithy/core/config'] = () => require('@smithy/core/config');
exports['@smithy/node-http-handler'] = () => require('@smithy/node-http-handler');
exports['https-proxy-agent'] = () => require('https-proxy-agent');
exports['http-proxy-agent'] = () => require('http-proxy-agent');
