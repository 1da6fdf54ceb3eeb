#include "env_plan.hpp"

#include <map>

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

EndpointInfo endpoint(bool bridge = false) {
    EndpointInfo e;
    e.http.push_back({"127.0.0.1", 40123});
    if (bridge) e.http.push_back({"169.254.170.2", 40124});
    e.token = "main-token";
    e.token_file = "/state/endpoint-token";
    e.region = "eu-west-1";
    return e;
}

ScopedToken scoped(bool file) {
    ScopedToken t;
    t.id = "t1";
    t.token = "scoped-token";
    if (file) t.token_file = "/state/tokens/t1";
    t.account_id = "111111111111";
    t.role_name = "Dev";
    return t;
}

// An active-role token, as POST /v1/tokens {"active": true} returns it: no role.
ScopedToken active_token(bool file) {
    ScopedToken t;
    t.id = "a1";
    t.token = "active-token";
    if (file) t.token_file = "/state/tokens/a1/token";
    return t;
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](std::string_view k) -> std::optional<std::string> {
        auto it = vars.find(std::string(k));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

// The final state of each variable the plan touches: value, or nullopt for unset.
std::map<std::string, std::optional<std::string>> apply(const EnvPlan& plan) {
    std::map<std::string, std::optional<std::string>> out;
    for (const auto& op : plan.ops) out[op.name] = op.value;
    return out;
}

void expect_shadowing_unset(const std::map<std::string, std::optional<std::string>>& v) {
    for (auto k :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"}) {
        ASSERT_TRUE(v.count(k)) << k;
        EXPECT_FALSE(v.at(k)) << k;
    }
}

TEST(EnvPlan, DefaultIsContainerUriWithAnActiveRoleToken) {
    // Never the main token (it reaches every role): an active-role token, minted first.
    EXPECT_TRUE(needs_scoped_token({}));
    EXPECT_TRUE(wants_active_role_token({}));
    EXPECT_FALSE(compose_env({}, endpoint(), std::nullopt, env_of({})));
    auto body = scoped_token_request({}, nullptr, "env");
    EXPECT_EQ(body["active"], true);
    EXPECT_EQ(body["file"], false);
    EXPECT_FALSE(body.contains("account_id"));
    EXPECT_FALSE(body.contains("profile"));

    auto plan = compose_env({}, endpoint(), active_token(false), env_of({}));
    ASSERT_TRUE(plan) << plan.error().message;
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_CONTAINER_CREDENTIALS_FULL_URI"], "http://127.0.0.1:40123/v1/credentials");
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN"], "active-token");
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], std::nullopt);
    EXPECT_TRUE(v.count("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    EXPECT_TRUE(v.count("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
    EXPECT_EQ(v["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], std::nullopt);
    EXPECT_FALSE(v.count("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
    EXPECT_EQ(v["AWS_REGION"], "eu-west-1");
    EXPECT_EQ(v["AWS_DEFAULT_REGION"], "eu-west-1");
    expect_shadowing_unset(v);
    EXPECT_TRUE(plan->warnings.empty());
}

TEST(EnvPlan, TokenFileNeverBoth) {
    EnvRequest req;
    req.token_file = true;
    EXPECT_EQ(scoped_token_request(req, nullptr, "env")["file"], true);
    auto plan = compose_env(req, endpoint(), active_token(true), env_of({}));
    ASSERT_TRUE(plan);
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_CONTAINER_CREDENTIALS_FULL_URI"], "http://127.0.0.1:40123/v1/credentials");
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], "/state/tokens/a1/token");
    EXPECT_TRUE(v.count("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN"], std::nullopt);
}

TEST(EnvPlan, ProfileUsesScopedTokenAndProfilePath) {
    EnvRequest req;
    req.profile = "my dev";
    EXPECT_TRUE(needs_scoped_token(req));
    auto plan = compose_env(req, endpoint(), scoped(false), env_of({}));
    ASSERT_TRUE(plan);
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
              "http://127.0.0.1:40123/v1/profiles/my%20dev/credentials");
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN"], "scoped-token");

    req.token_file = true;
    plan = compose_env(req, endpoint(), scoped(true), env_of({}));
    ASSERT_TRUE(plan);
    v = apply(*plan);
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], "/state/tokens/t1");
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN"], std::nullopt);

    auto body = scoped_token_request(req, nullptr, "env");
    EXPECT_EQ(body["profile"], "my dev");
    EXPECT_EQ(body["file"], true);
}

// No token the CLI mints lives forever: a sliding expiry by default, a fixed one with --ttl;
// exec binds its token to the CLI process.
TEST(EnvPlan, EveryTokenRequestCarriesALifetime) {
    EnvRequest req;
    for (const bool profile : {false, true}) {
        req.profile = profile ? std::optional<std::string>("dev") : std::nullopt;
        auto body = scoped_token_request(req, nullptr, "env");
        EXPECT_EQ(body["idle_seconds"], kTokenIdleSeconds);
        EXPECT_FALSE(body.contains("ttl_seconds"));
        EXPECT_FALSE(body.contains("bind_to_client"));
    }
    req.ttl_seconds = 2;
    auto body = scoped_token_request(req, nullptr, "env");
    EXPECT_EQ(body["ttl_seconds"], 2);
    EXPECT_FALSE(body.contains("idle_seconds"));
    req.bind_to_client = true;
    EXPECT_EQ(scoped_token_request(req, nullptr, "exec")["bind_to_client"], true);
}

TEST(EnvPlan, ContainerUsesBridgeAddressAndTokenFile) {
    EnvRequest req;
    req.container = true;
    EXPECT_TRUE(needs_scoped_token(req));
    auto plan = compose_env(req, endpoint(true), scoped(true), env_of({}));
    ASSERT_TRUE(plan);
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
              "http://169.254.170.2:40124/v1/accounts/111111111111/roles/Dev/credentials");
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], "/state/tokens/t1");
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN"], std::nullopt);
    EXPECT_TRUE(plan->warnings.empty());
    EXPECT_FALSE(plan->notes.empty());

    nlohmann::json active = {
        {"session", "s"}, {"account_id", "111111111111"}, {"role_name", "Dev"}};
    auto body = scoped_token_request(req, active, "env --container");
    EXPECT_EQ(body["account_id"], "111111111111");
    EXPECT_EQ(body["role_name"], "Dev");
    EXPECT_EQ(body["sso_session"], "s");
    EXPECT_EQ(body["file"], true);
}

TEST(EnvPlan, ContainerWithoutBridgeListenerIsAnActionableError) {
    EnvRequest req;
    req.container = true;
    req.profile = "dev";
    // Refused before any token is minted (prepare_env checks first), and by compose_env.
    auto st = check_listeners(req, endpoint(false));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::Invalid);
    EXPECT_NE(st.error().message.find("container-setup"), std::string::npos);
    EXPECT_NE(st.error().message.find("--listen 169.254.170.2:40123"), std::string::npos);
    EXPECT_NE(st.error().message.find("--allow-cidr"), std::string::npos);
    auto plan = compose_env(req, endpoint(false), scoped(true), env_of({}));
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().code, ErrorCode::Invalid);
    // The IMDS form for containers needs the bridge listener just the same.
    req.profile.reset();
    req.imds = true;
    EXPECT_FALSE(check_listeners(req, endpoint(false)));
}

TEST(EnvPlan, ContainerNeedsNoLoopbackListenerButHostUseDoes) {
    EndpointInfo only_bridge = endpoint(false);
    only_bridge.http = {{"169.254.170.2", 9911}};
    EnvRequest container;
    container.container = true;
    EXPECT_TRUE(check_listeners(container, only_bridge));
    auto plan = compose_env(container, only_bridge, scoped(true), env_of({}));
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(apply(*plan)["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
              "http://169.254.170.2:9911/v1/accounts/111111111111/roles/Dev/credentials");
    auto host = check_listeners({}, only_bridge);
    ASSERT_FALSE(host);
    EXPECT_NE(host.error().message.find("127.0.0.1"), std::string::npos);
}

TEST(EnvPlan, ContainerPortIsTheBridgeListenersNotLoopbacks) {
    EndpointInfo e = endpoint(false);
    // Listener order must not matter; an exact 169.254.170.2 listener beats a wildcard.
    e.http = {{"0.0.0.0", 7000}, {"127.0.0.1", 40123}, {"169.254.170.2", 40124}};
    ASSERT_NE(container_listener(e), nullptr);
    EXPECT_EQ(container_listener(e)->port, 40124);
    // A wildcard listener answers on 169.254.170.2 too.
    e.http = {{"127.0.0.1", 40123}, {"0.0.0.0", 7000}};
    ASSERT_NE(container_listener(e), nullptr);
    EXPECT_EQ(container_listener(e)->port, 7000);
    EnvRequest req;
    req.container = true;
    req.profile = "dev";
    auto plan = compose_env(req, e, scoped(true), env_of({}));
    ASSERT_TRUE(plan);
    EXPECT_EQ(apply(*plan)["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
              "http://169.254.170.2:7000/v1/profiles/dev/credentials");
    // Other non-loopback listeners (a VM host-only address) are not the container host.
    e.http = {{"127.0.0.1", 40123}, {"192.168.56.1", 7001}};
    EXPECT_EQ(container_listener(e), nullptr);
}

TEST(EnvPlan, ContainerTokenMountIsTheTokensOwnDirectory) {
    EnvRequest req;
    req.container = true;
    req.profile = "dev";
    ScopedToken t = scoped(true);
    t.token_file = "/home/u/.local/state/ssocred/tokens/ab12/token";
    auto plan = compose_env(req, endpoint(true), t, env_of({}));
    ASSERT_TRUE(plan);
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"],
              "/home/u/.local/state/ssocred/tokens/ab12/token");
    ASSERT_TRUE(plan->mount);
    // The directory, at the same path inside: the variable's value is valid in both places,
    // and the daemon's atomic rotation (a rename inside it) is seen by the container.
    EXPECT_EQ(plan->mount->source, "/home/u/.local/state/ssocred/tokens/ab12");
    EXPECT_EQ(plan->mount->target, plan->mount->source);
    ASSERT_EQ(plan->notes.size(), 1u);
    EXPECT_NE(plan->notes[0].find("-v /home/u/.local/state/ssocred/tokens/ab12:"
                                  "/home/u/.local/state/ssocred/tokens/ab12:ro"),
              std::string::npos);
    EXPECT_EQ(plan->notes[0].find("scoped-token"), std::string::npos);  // never the value

    // An older daemon's flat layout (tokens/<id>): mounting tokens/ would expose every
    // other token, so only the file itself is offered.
    EXPECT_EQ(token_mount("/state/tokens/t1").source, "/state/tokens/t1");
    EXPECT_EQ(token_mount("/state/tokens/t1/token").source, "/state/tokens/t1");

    // Host use never plans a mount.
    req.container = false;
    req.token_file = true;
    plan = compose_env(req, endpoint(true), t, env_of({}));
    ASSERT_TRUE(plan);
    EXPECT_FALSE(plan->mount);
}

TEST(EnvPlan, ContainerImdsIsRefused) {
    // IMDS has no token, so the daemon serves it on loopback only: no container recipe.
    EnvRequest req;
    req.container = true;
    req.imds = true;
    EXPECT_FALSE(compose_env(req, endpoint(true), std::nullopt, env_of({})));
}

TEST(EnvPlan, ImdsOriginNoProxyAndNoContainerVars) {
    EnvRequest req;
    req.imds = true;
    EXPECT_FALSE(needs_scoped_token(req));
    auto plan =
        compose_env(req, endpoint(), std::nullopt,
                    env_of({{"NO_PROXY", "example.com, .corp"}, {"no_proxy", "localhost,.corp"}}));
    ASSERT_TRUE(plan);
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_EC2_METADATA_SERVICE_ENDPOINT"], "http://127.0.0.1:40123/");
    EXPECT_EQ(v["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"], "IPv4");
    EXPECT_EQ(v["NO_PROXY"], "example.com,.corp,localhost,127.0.0.1");
    EXPECT_EQ(v["no_proxy"], v["NO_PROXY"]);
    for (auto k : {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                   "AWS_EC2_METADATA_DISABLED"}) {
        ASSERT_TRUE(v.count(k)) << k;
        EXPECT_EQ(v[k], std::nullopt) << k;
    }
    expect_shadowing_unset(v);
}

TEST(EnvPlan, ImdsIpv6Loopback) {
    EndpointInfo e = endpoint();
    e.http = {{"::1", 5000}};
    EnvRequest req;
    req.imds = true;
    auto plan = compose_env(req, e, std::nullopt, env_of({}));
    ASSERT_TRUE(plan);
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_EC2_METADATA_SERVICE_ENDPOINT"], "http://[::1]:5000/");
    EXPECT_EQ(v["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"], "IPv6");
    EXPECT_EQ(v["NO_PROXY"], "::1");
}

TEST(EnvPlan, ImdsRejectsProfileAndTokenFile) {
    EnvRequest req;
    req.imds = true;
    req.profile = "dev";
    EXPECT_FALSE(compose_env(req, endpoint(), std::nullopt, env_of({})));
    req.profile.reset();
    req.token_file = true;
    EXPECT_FALSE(compose_env(req, endpoint(), std::nullopt, env_of({})));
}

TEST(EnvPlan, RegionKeptWhenUserSetOne) {
    auto plan = compose_env({}, endpoint(), active_token(false),
                            env_of({{"AWS_DEFAULT_REGION", "ap-south-1"}}));
    ASSERT_TRUE(plan);
    auto v = apply(*plan);
    EXPECT_FALSE(v.count("AWS_REGION"));
    EXPECT_FALSE(v.count("AWS_DEFAULT_REGION"));
}

TEST(EnvPlan, NoLoopbackListenerIsAnError) {
    EndpointInfo e = endpoint();
    e.http.clear();
    auto plan = compose_env({}, e, std::nullopt, env_of({}));
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("--listen"), std::string::npos);
}

TEST(EnvPlan, TokenWithNewlineRefused) {
    ScopedToken t = active_token(false);
    t.token = "abc\n";
    EXPECT_FALSE(compose_env({}, endpoint(), t, env_of({})));
}

TEST(EnvPlan, MergeNoProxy) {
    EXPECT_EQ(merge_no_proxy(std::nullopt, std::nullopt, "127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(merge_no_proxy("127.0.0.1", std::nullopt, "127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(merge_no_proxy("a,,b", "b,c", "127.0.0.1"), "a,b,c,127.0.0.1");
}

TEST(EnvPlan, EndpointFromJson) {
    auto j =
        nlohmann::json::parse(R"({"http":[{"address":"127.0.0.1","port":1}],"container_url":null,
        "imds_endpoint":null,"token":"t","token_file":null,"region":null})");
    auto e = EndpointInfo::from_json(j);
    ASSERT_EQ(e.http.size(), 1u);
    EXPECT_EQ(e.http[0].port, 1);
    EXPECT_EQ(e.token, "t");
    EXPECT_FALSE(e.token_file);
    EXPECT_FALSE(e.region);
}

// --- the named profile's region (issue: `env --profile staging` exported dev's region) ---

ScopedToken scoped_profile(std::optional<std::string> region) {
    ScopedToken t = scoped(false);
    t.profile = "staging";
    t.region = std::move(region);
    return t;
}

EnvRequest profile_request() {
    EnvRequest req;
    req.profile = "staging";
    return req;
}

TEST(EnvPlanRegion, NamedProfileGetsItsOwnRegionNotTheActiveRoles) {
    auto plan =
        compose_env(profile_request(), endpoint(), scoped_profile("eu-central-1"), env_of({}));
    ASSERT_TRUE(plan) << plan.error().message;
    auto v = apply(*plan);
    EXPECT_EQ(v["AWS_REGION"], "eu-central-1");
    EXPECT_EQ(v["AWS_DEFAULT_REGION"], "eu-central-1");
    EXPECT_EQ(v["SSOCRED_REGION"], "eu-central-1");
    EXPECT_EQ(v["SSOCRED_PROFILE"], "staging");
}

TEST(EnvPlanRegion, NamedProfileWithoutRegionGetsNoneFromUs) {
    auto plan =
        compose_env(profile_request(), endpoint(), scoped_profile(std::nullopt), env_of({}));
    ASSERT_TRUE(plan) << plan.error().message;
    auto v = apply(*plan);
    EXPECT_FALSE(v.count("AWS_REGION"));  // the active role's eu-west-1 must not leak in
    EXPECT_FALSE(v.count("AWS_DEFAULT_REGION"));
}

TEST(EnvPlanRegion, RegionWeExportedEarlierIsReplacedOrCleared) {
    const auto earlier = env_of({{"AWS_REGION", "eu-west-1"},
                                 {"AWS_DEFAULT_REGION", "eu-west-1"},
                                 {"SSOCRED_REGION", "eu-west-1"}});
    auto plan = compose_env(profile_request(), endpoint(), scoped_profile("eu-central-1"), earlier);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(apply(*plan)["AWS_REGION"], "eu-central-1");

    plan = compose_env(profile_request(), endpoint(), scoped_profile(std::nullopt), earlier);
    ASSERT_TRUE(plan) << plan.error().message;
    auto v = apply(*plan);
    ASSERT_TRUE(v.count("AWS_REGION"));
    EXPECT_EQ(v["AWS_REGION"], std::nullopt);
    EXPECT_EQ(v["SSOCRED_REGION"], std::nullopt);
}

TEST(EnvPlanRegion, RegionTheUserSetWinsAsInTheAwsCli) {
    auto plan = compose_env(profile_request(), endpoint(), scoped_profile("eu-central-1"),
                            env_of({{"AWS_REGION", "us-west-2"}}));
    ASSERT_TRUE(plan) << plan.error().message;
    auto v = apply(*plan);
    EXPECT_FALSE(v.count("AWS_REGION"));
    ASSERT_EQ(plan->notes.size(), 1u);
    EXPECT_NE(plan->notes[0].find("us-west-2"), std::string::npos);
}

TEST(EnvPlanRegion, ActiveRoleLabelForPrompts) {
    EndpointInfo e = endpoint();
    e.active_label = "dev";
    auto plan = compose_env({}, e, active_token(false), env_of({}));
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(apply(*plan)["SSOCRED_PROFILE"], "dev");

    e.active_label.reset();
    plan = compose_env({}, e, active_token(false), env_of({{"SSOCRED_PROFILE", "old"}}));
    ASSERT_TRUE(plan) << plan.error().message;
    auto v = apply(*plan);
    ASSERT_TRUE(v.count("SSOCRED_PROFILE"));
    EXPECT_EQ(v["SSOCRED_PROFILE"], std::nullopt);
}

TEST(EnvPlanRegion, EndpointJsonCarriesTheActiveRole) {
    auto e = EndpointInfo::from_json(nlohmann::json::parse(R"({"http":[],"region":null,
        "active":{"account_id":"111111111111","role_name":"Dev","profile":null,"session":"s"}})"));
    EXPECT_EQ(e.active_label, "111111111111/Dev");
    auto t = ScopedToken::from_json(nlohmann::json::parse(
        R"({"id":"t","role":{"account_id":"1","role_name":"R","profile":"p"},"region":"eu-north-1","active":true})"));
    EXPECT_EQ(t.profile, "p");
    EXPECT_EQ(t.region, "eu-north-1");
    EXPECT_TRUE(t.active);
}
}  // namespace
}  // namespace ssocred::cli
