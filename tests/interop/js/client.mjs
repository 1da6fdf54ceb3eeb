#!/usr/bin/env node
// AWS SDK for JavaScript v3 client for the ssocred interop tests (tests/interop/*.py).
//
// It gets credentials exactly as an application would — from one of the SDK's own
// providers, configured only by the environment `ssocred env` prints — and reports what the
// SDK handed out, one JSON object per line on stdout (the contract in README.md). It never
// prints a secret key, session token or endpoint token.
//
//   node client.mjs --provider chain|container|http|imds|process
//                   [--sts-endpoint URL] [--region R] [--duration S --interval S]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
    fromContainerMetadata,
    fromHttp,
    fromInstanceMetadata,
    fromNodeProviderChain,
    fromProcess,
} from "@aws-sdk/credential-providers";

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

// The provider names of the interop client contract, shared with the Go client.
const CONTRACT_PROVIDERS = ["chain", "container", "http", "imds", "process"];

// Each provider is the SDK's own, built with no options: every default (allowed hosts,
// timeouts, retries, token vs token file) stays the SDK's.
const PROVIDERS = {
    chain: () => fromNodeProviderChain(),
    container: () => fromContainerMetadata(),
    http: () => fromHttp(),
    imds: () => fromInstanceMetadata(),
    process: () => fromProcess(),
};

const USAGE = `usage: node client.mjs --provider chain|container|http|imds|process
                      [--sts-endpoint URL] [--region REGION] [--duration S --interval S]

Gets AWS credentials with the AWS SDK for JavaScript v3 and prints one JSON line per
resolution: access_key_id, expiration, expired_at_use, caller_arn, error, sdk_version.
  --provider      chain = fromNodeProviderChain, container = fromContainerMetadata,
                  http = fromHttp, imds = fromInstanceMetadata, process = fromProcess
  --sts-endpoint  also call STS GetCallerIdentity there with the credentials (signed)
  --region        region of the STS client (default us-east-1)
  --duration, --interval
                  long-running mode: keep one client and resolve every INTERVAL seconds
                  until DURATION seconds have passed
Everything else comes from the environment (ssocred env). Exit 0 when every line
succeeded, 1 otherwise, 2 on a usage error (every provider is supported here).
`;

class UsageError extends Error {}

function sdkVersion() {
    const here = dirname(fileURLToPath(import.meta.url));
    const pkg = join(here, "node_modules", "@aws-sdk", "credential-providers", "package.json");
    return JSON.parse(readFileSync(pkg, "utf8")).version;
}

function parseSeconds(flag, text) {
    if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`${flag} needs a number of seconds, got '${text}'`);
    return Number(text);
}

function parseArgs(argv) {
    const opts = { provider: null, stsEndpoint: null, region: "us-east-1", duration: null, interval: null };
    const takesValue = { "--provider": "provider", "--sts-endpoint": "stsEndpoint", "--region": "region",
        "--duration": "duration", "--interval": "interval" };
    for (let i = 0; i < argv.length; ++i) {
        let arg = argv[i];
        let value;
        if (arg === "--help" || arg === "-h") return { help: true };
        const eq = arg.indexOf("=");
        if (arg.startsWith("--") && eq > 0) {
            value = arg.slice(eq + 1);
            arg = arg.slice(0, eq);
        }
        const key = takesValue[arg];
        if (!key) throw new UsageError(`unknown argument '${argv[i]}'`);
        if (value === undefined) {
            if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
            value = argv[++i];
        }
        opts[key] = value;
    }
    if (opts.provider === null) throw new UsageError("--provider is required");
    if (!CONTRACT_PROVIDERS.includes(opts.provider)) {
        throw new UsageError(`--provider must be one of ${CONTRACT_PROVIDERS.join(", ")}; got '${opts.provider}'`);
    }
    if (opts.stsEndpoint !== null) {
        let url;
        try {
            url = new URL(opts.stsEndpoint);
        } catch {
            throw new UsageError(`--sts-endpoint is not a URL: '${opts.stsEndpoint}'`);
        }
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError("--sts-endpoint must be http(s)");
    }
    if ((opts.duration === null) !== (opts.interval === null)) throw new UsageError("--duration and --interval go together");
    if (opts.duration !== null) {
        opts.duration = parseSeconds("--duration", opts.duration);
        opts.interval = parseSeconds("--interval", opts.interval);
        if (opts.interval <= 0) throw new UsageError("--interval must be greater than 0");
    }
    return opts;
}

// Values that must never leave this process: the endpoint token (value or file) and every
// secret the SDK handed us. Error texts are scrubbed of them before they are printed.
const secrets = new Set();
function rememberSecret(value) {
    if (typeof value === "string" && value.length >= 4) secrets.add(value);
}
function scrub(text) {
    let out = String(text);
    for (const s of secrets) out = out.split(s).join("<redacted>");
    return out;
}
function rememberEnvironmentSecrets() {
    rememberSecret(process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    const file = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
    if (file) {
        try {
            rememberSecret(readFileSync(file, "utf8"));
        } catch {
            // The SDK reports an unreadable token file itself.
        }
    }
}

function errorText(err) {
    const name = err?.name && err.name !== "Error" ? `${err.name}: ` : "";
    return scrub(`${name}${err?.message ?? err}`);
}

// RFC 3339 in UTC, as the SDK parsed it (whole seconds stay whole, as the daemon sends them).
function rfc3339(date) {
    return date.toISOString().replace(/\.000Z$/, "Z");
}

// Records the identity the SDK actually signed a request with, read after signing (so it is
// the one the retry/auth middlewares chose), and checks it against the signed header.
function addSigningRecorder(client, record) {
    client.middlewareStack.addRelativeTo(
        (next, context) => async (args) => {
            const identity = context.__smithy_context?.selectedHttpAuthScheme?.identity;
            const auth = args.request?.headers?.authorization ?? args.request?.headers?.Authorization ?? "";
            const signedKey = /Credential=([^/]+)\//.exec(auth)?.[1] ?? null;
            record.identity = identity ?? null;
            record.signedKey = signedKey;
            record.at = Date.now();
            return next(args);
        },
        { name: "ssocredInteropSigningRecorder", relation: "after", toMiddleware: "httpSigningMiddleware" },
    );
}

async function resolveOnce(client, opts, version) {
    const line = { access_key_id: null, expiration: null, expired_at_use: false, caller_arn: null, error: null,
        sdk_version: version };
    try {
        let creds;
        let usedAt;
        if (opts.stsEndpoint !== null) {
            const record = { identity: null, signedKey: null, at: 0 };
            addSigningRecorder(client, record);
            try {
                const out = await client.send(new GetCallerIdentityCommand({}));
                line.caller_arn = out.Arn ?? null;
            } finally {
                client.middlewareStack.remove("ssocredInteropSigningRecorder");
            }
            if (!record.identity) throw new Error("the signed request's identity could not be observed");
            if (record.signedKey !== record.identity.accessKeyId) {
                throw new Error("the request was signed with another access key than the resolved identity");
            }
            creds = record.identity;
            usedAt = record.at;
        } else {
            // The client's own memoized provider: the SDK's caching and refresh, as a call would use it.
            creds = await client.config.credentials();
            usedAt = Date.now();
        }
        rememberSecret(creds.secretAccessKey);
        rememberSecret(creds.sessionToken);
        line.access_key_id = creds.accessKeyId;
        if (creds.expiration instanceof Date) {
            line.expiration = rfc3339(creds.expiration);
            line.expired_at_use = creds.expiration.getTime() <= usedAt;
        }
        if (line.caller_arn === null && opts.stsEndpoint !== null) throw new Error("GetCallerIdentity returned no Arn");
    } catch (err) {
        line.error = errorText(err);
    }
    return line;
}

function emit(line) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(argv) {
    let opts;
    try {
        opts = parseArgs(argv);
    } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        process.stderr.write(`client.mjs: ${err.message}\n${USAGE}`);
        return EXIT_USAGE;
    }
    if (opts.help) {
        process.stdout.write(USAGE);
        return EXIT_OK;
    }
    const version = sdkVersion();
    // Every provider of the contract exists in this SDK: none exits 3 ("unsupported").
    const makeProvider = PROVIDERS[opts.provider];
    rememberEnvironmentSecrets();

    // ONE client and provider for the whole run, as a long-running application holds them.
    const clientConfig = { region: opts.region, credentials: makeProvider() };
    if (opts.stsEndpoint !== null) clientConfig.endpoint = opts.stsEndpoint;
    const client = new STSClient(clientConfig);

    let failed = false;
    const start = Date.now();
    const rounds = opts.duration === null ? 1 : Math.floor(opts.duration / opts.interval) + 1;
    for (let i = 0; i < rounds; ++i) {
        if (i > 0) await sleep(Math.max(0, start + i * opts.interval * 1000 - Date.now()));
        const line = await resolveOnce(client, opts, version);
        if (line.error !== null || line.expired_at_use) failed = true;
        emit(line);
    }
    client.destroy();
    return failed ? EXIT_FAILED : EXIT_OK;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        process.stderr.write(`client.mjs: ${errorText(err)}\n`);
        process.exitCode = EXIT_FAILED;
    },
);
