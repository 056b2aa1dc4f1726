using System.Text.Json.Nodes;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

public sealed class WorkloadTests
{
    public static TheoryData<string> ValueSets => new() { "default", "all-features" };

    private static Task<RenderedChart> Render(string values) => values == "default" ? Helm.Default : Helm.AllFeatures;

    private static JsonObject Container(Manifest deployment) => deployment["spec.template.spec.containers"]!.AsArray().Single()!.AsObject();

    private static List<string> Args(Manifest deployment) => Container(deployment)["args"]!.AsArray().Select(arg => (string)arg!).ToList();

    /// <summary>
    /// The rendered flags as the pod's binary sees them: a CA bundle mounted at the rendered path, played
    /// by a real PEM file in a temporary directory standing in for the volume (the command line reads it).
    /// </summary>
    private static List<string> ArgsWithMountedVolumes(Manifest deployment, string directory)
    {
        var mounts = Container(deployment)["volumeMounts"]!.AsArray().ToDictionary(mount => (string)mount!["mountPath"]!, mount => (string)mount!["name"]!);
        var args = Args(deployment);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--upstream-ca-file=", StringComparison.Ordinal))
            {
                var path = args[i]["--upstream-ca-file=".Length..];
                mounts.Should().ContainKey(Path.GetDirectoryName(path)!, "the CA bundle is read from its mounted volume");
                var standIn = Path.Combine(directory, Path.GetFileName(path));
                using var authority = Bastio.StubUpstream.TestCertificateAuthority.Create();
                authority.WriteCertificatePem(standIn);
                args[i] = "--upstream-ca-file=" + standIn;
            }
        }

        return args;
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Pods_run_non_root_with_a_read_only_root_and_no_privileges(string values)
    {
        var deployments = (await Render(values)).OfKind("Deployment").ToList();

        deployments.Should().HaveCount(2);
        foreach (var deployment in deployments)
        {
            var pod = deployment["spec.template.spec.securityContext"]!;
            ((bool?)pod["runAsNonRoot"]).Should().BeTrue(deployment.ToString());
            ((long?)pod["runAsUser"]).Should().BeGreaterThan(0);
            ((string?)pod["seccompProfile"]!["type"]).Should().Be("RuntimeDefault");

            var container = Container(deployment)["securityContext"]!;
            ((bool?)container["allowPrivilegeEscalation"]).Should().BeFalse(deployment.ToString());
            ((bool?)container["readOnlyRootFilesystem"]).Should().BeTrue();
            ((bool?)container["runAsNonRoot"]).Should().BeTrue();
            container["capabilities"]!["drop"]!.AsArray().Select(cap => (string?)cap).Should().Equal("ALL");
            container["capabilities"]!["add"].Should().BeNull();
        }
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Pods_have_probes_on_the_admin_port_resources_and_a_writable_tmp(string values)
    {
        foreach (var deployment in (await Render(values)).OfKind("Deployment"))
        {
            var container = Container(deployment);
            ((string?)container["livenessProbe"]!["httpGet"]!["path"]).Should().Be("/healthz", deployment.ToString());
            ((string?)container["readinessProbe"]!["httpGet"]!["path"]).Should().Be("/readyz");
            ((string?)container["livenessProbe"]!["httpGet"]!["port"]).Should().Be("admin");
            var adminPort = container["ports"]!.AsArray().Single(port => (string?)port!["name"] == "admin")!["containerPort"];
            Args(deployment).Should().Contain($"--admin-port={adminPort}");

            container["resources"]!["requests"]!["cpu"].Should().NotBeNull();
            container["resources"]!["requests"]!["memory"].Should().NotBeNull();
            container["resources"]!["limits"]!["memory"].Should().NotBeNull();

            container["volumeMounts"]!.AsArray().Should().Contain(mount => (string?)mount!["mountPath"] == "/tmp");
        }
    }

    [Fact]
    public async Task One_operator_by_default_replaced_rather_than_rolled()
    {
        var deployment = (await Helm.Default).Single("Deployment", "bastio-operator");

        ((long?)deployment["spec.replicas"]).Should().Be(1);
        ((string?)deployment["spec.strategy.type"]).Should().Be("Recreate", "two operators without a lease would both write");
        Args(deployment).Should().NotContain("--leader-elect");
        (await Helm.Default).Manifests.Should().NotContain(manifest => manifest.Kind == "PodDisruptionBudget" && manifest.Name == "bastio-operator",
            "a budget for a single pod would block node drains");
    }

    [Fact]
    public async Task Two_operators_elect_a_leader()
    {
        var deployment = (await Helm.AllFeatures).Single("Deployment", "bastio-operator");

        ((long?)deployment["spec.replicas"]).Should().Be(2);
        Args(deployment).Should().Contain("--leader-elect");
        ((long?)(await Helm.AllFeatures).Single("PodDisruptionBudget", "bastio-operator")["spec.minAvailable"]).Should().Be(1);
    }

    [Fact]
    public async Task Operator_flags_name_the_rendered_rotator_account_image_and_gateway()
    {
        var chart = await Helm.Default;
        var deployment = chart.Single("Deployment", "bastio-operator");

        var image = (string?)Container(deployment)["image"];
        image.Should().Be("ghcr.io/bastio/bastio-operator:0.1.0");
        Args(deployment).Should().Contain([
            "--system-namespace=bastio-system",
            $"--rotator-image={image}",
            "--rotator-service-account=bastio-rotator",
            "--gateway-url=http://bastio-gateway.bastio-system.svc:80"]);
        chart.Single("ServiceAccount", "bastio-rotator").Should().NotBeNull();
        ((string?)deployment["spec.template.spec.serviceAccountName"]).Should().Be("bastio-operator");
    }

    [Theory]
    [InlineData("default", 50d, 100)]
    [InlineData("all-features", 200d, 400)]
    public async Task The_operators_own_command_line_accepts_every_rendered_flag(string values, double qps, int burst)
    {
        var deployment = (values == "default" ? await Helm.Default : await Helm.AllFeatures).Single("Deployment", "bastio-operator");
        Bastio.Operator.Configuration.OperatorOptions? bound = null;
        var command = Bastio.Operator.Configuration.OperatorCommandLine.Create(
            (options, _) => { bound = options; return Task.FromResult(0); }, (_, _) => Task.FromResult(0));
        var volumes = Directory.CreateTempSubdirectory("bastio-chart-volumes-");

        var exit = await command.Parse(ArgsWithMountedVolumes(deployment, volumes.FullName)).InvokeAsync();

        volumes.Delete(recursive: true);
        exit.Should().Be(0, "a flag the binary does not know would crash-loop the pod");
        bound!.SystemNamespace.Should().Be("bastio-system");
        bound.KubeApiQps.Should().Be(qps);
        bound.KubeApiBurst.Should().Be(burst);
        bound.WatchNamespaces.Should().Equal(values == "default" ? [] : ["team-a", "team-b"]);
        bound.UpstreamAddresses.Allowed.Select(network => network.ToString()).Should().Equal(values == "default" ? [] : ["10.96.0.0/12", "fd00:10::/64"]);
        bound.UpstreamTrust.ExtraRootCount.Should().Be(values == "default" ? 0 : 1);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("all-features")]
    public async Task The_gateways_own_command_line_accepts_every_rendered_flag(string values)
    {
        var deployment = (values == "default" ? await Helm.Default : await Helm.AllFeatures).Single("Deployment", "bastio-gateway");
        Bastio.Gateway.Hosting.GatewayOptions? bound = null;
        var command = Bastio.Gateway.Hosting.GatewayCommandLine.Create((options, _) => { bound = options; return Task.FromResult(0); });
        var volumes = Directory.CreateTempSubdirectory("bastio-chart-volumes-");

        var exit = await command.Parse(ArgsWithMountedVolumes(deployment, volumes.FullName)).InvokeAsync();

        volumes.Delete(recursive: true);
        exit.Should().Be(0, "a flag the binary refuses would crash-loop the pod");
        bound!.SystemNamespace.Should().Be("bastio-system");
        bound.ShutdownTimeout.Should().BeLessThan(TimeSpan.FromSeconds((long)deployment["spec.template.spec.terminationGracePeriodSeconds"]!),
            "in-flight requests are given their time before Kubernetes kills the pod");
        bound.UpstreamAddresses.Allowed.Select(network => network.ToString()).Should().Equal(values == "default" ? [] : ["10.96.0.0/12", "fd00:10::/64"]);
        bound.UpstreamTrust.ExtraRootCount.Should().Be(values == "default" ? 0 : 1);
        if (values == "all-features")
        {
            bound.TrustedProxies.Should().Equal("10.0.0.0/8", "fd00::/8");
        }
    }

    [Fact]
    public async Task Image_digest_wins_over_the_tag()
    {
        var deployment = (await Helm.AllFeatures).Single("Deployment", "bastio-operator");

        ((string?)Container(deployment)["image"]).Should().Be(
            "ghcr.io/bastio/bastio-operator@sha256:0000000000000000000000000000000000000000000000000000000000000000");
    }

    [Fact]
    public async Task Gateway_flags_follow_the_values()
    {
        var deployment = (await Helm.AllFeatures).Single("Deployment", "bastio-gateway");

        Args(deployment).Should().Contain([
            "--system-namespace=bastio-system", "--port=8080", "--admin-port=8081", "--max-staleness=2m",
            "--trusted-proxies=10.0.0.0/8,fd00::/8", "--environments=production,staging",
            "--shutdown-delay=10s", "--shutdown-timeout=50s", "--max-connections=5000", "--keep-alive-timeout=75s",
            "--upstream-allow-cidrs=10.96.0.0/12,fd00:10::/64", "--upstream-ca-file=/etc/bastio/upstream-ca/bundle.pem"]);
        ((string?)deployment["spec.template.spec.serviceAccountName"]).Should().Be("bastio-gateway");
        ((long?)deployment["spec.template.spec.terminationGracePeriodSeconds"]).Should().Be(60);
    }

    [Theory]
    [InlineData("configMapName", "configMap", "name")]
    [InlineData("secretName", "secret", "secretName")]
    public async Task Gateway_and_operator_read_the_upstream_CA_bundle_from_the_named_volume(string value, string source, string nameField)
    {
        var chart = await Helm.TemplateAsync("--set", $"upstream.caBundle.{value}=provider-ca", "--set", "upstream.allowCidrs={10.0.0.0/8}");

        foreach (var name in new[] { "bastio-gateway", "bastio-operator" })
        {
            var deployment = chart.Single("Deployment", name);
            Args(deployment).Should().Contain(["--upstream-ca-file=/etc/bastio/upstream-ca/ca.crt", "--upstream-allow-cidrs=10.0.0.0/8"], name);
            Container(deployment)["volumeMounts"]!.AsArray().Should().Contain(mount =>
                (string?)mount!["name"] == "upstream-ca" && (string?)mount["mountPath"] == "/etc/bastio/upstream-ca" && (bool?)mount["readOnly"] == true, name);
            deployment["spec.template.spec.volumes"]!.AsArray().Should().Contain(volume =>
                (string?)volume!["name"] == "upstream-ca" && (string?)volume[source]![nameField] == "provider-ca", name);
        }
    }

    [Fact]
    public async Task Without_upstream_values_neither_component_gets_upstream_flags_or_volumes()
    {
        var chart = await Helm.Default;

        foreach (var name in new[] { "bastio-gateway", "bastio-operator" })
        {
            var deployment = chart.Single("Deployment", name);
            Args(deployment).Should().NotContain(arg => arg.StartsWith("--upstream-", StringComparison.Ordinal), "public upstreams and the system store are the defaults");
            deployment["spec.template.spec.volumes"]!.AsArray().Should().NotContain(volume => (string?)volume!["name"] == "upstream-ca");
        }
    }

    [Fact]
    public async Task A_CA_bundle_from_both_a_ConfigMap_and_a_Secret_is_refused_at_render_time()
    {
        var result = await Helm.TryTemplateAsync("--set", "upstream.caBundle.configMapName=a", "--set", "upstream.caBundle.secretName=b");

        result.ExitCode.Should().NotBe(0);
        result.ToString().Should().Contain("upstream.caBundle: set configMapName or secretName, not both");
    }

    [Fact]
    public async Task Autoscaled_gateway_leaves_replicas_to_the_autoscaler_and_keeps_one_pod_through_disruptions()
    {
        var chart = await Helm.AllFeatures;

        chart.Single("Deployment", "bastio-gateway")["spec.replicas"].Should().BeNull();
        var hpa = chart.Single("HorizontalPodAutoscaler", "bastio-gateway");
        ((long?)hpa["spec.minReplicas"]).Should().Be(3);
        ((string?)hpa["spec.scaleTargetRef.name"]).Should().Be("bastio-gateway");
        ((long?)chart.Single("PodDisruptionBudget", "bastio-gateway")["spec.minAvailable"]).Should().Be(1);
    }

    [Fact]
    public async Task A_single_gateway_gets_no_disruption_budget_that_would_block_node_drains()
    {
        var chart = await Helm.TemplateAsync("--set", "gateway.replicas=1");

        chart.OfKind("PodDisruptionBudget").Should().BeEmpty();
        chart.OfKind("HorizontalPodAutoscaler").Should().BeEmpty();
    }

    [Fact]
    public async Task Gateway_tls_listener_serves_the_mounted_certificate()
    {
        var chart = await Helm.AllFeatures;
        var deployment = chart.Single("Deployment", "bastio-gateway");
        var container = Container(deployment);

        var env = container["env"]!.AsArray().ToDictionary(variable => (string)variable!["name"]!, variable => (string?)variable!["value"]);
        env.Should().Contain("Kestrel__Endpoints__Https__Url", "https://*:8443")
            .And.Contain("Kestrel__Endpoints__Https__Certificate__Path", "/etc/bastio/tls/tls.crt")
            .And.Contain("Kestrel__Endpoints__Https__Certificate__KeyPath", "/etc/bastio/tls/tls.key");
        container["volumeMounts"]!.AsArray().Should().Contain(mount => (string?)mount!["name"] == "tls" && (string?)mount["mountPath"] == "/etc/bastio/tls");
        deployment["spec.template.spec.volumes"]!.AsArray().Select(volume => (string?)volume!["secret"]?["secretName"])
            .Should().Contain("bastio-gateway-serving-cert");
        chart.Single("Service", "bastio-gateway")["spec.ports"]!.AsArray().Should().Contain(port =>
            (string?)port!["name"] == "https" && (long?)port["port"] == 443 && (string?)port["targetPort"] == "https");
    }

    [Fact]
    public async Task Ingress_terminates_tls_with_a_cert_manager_issued_secret()
    {
        var ingress = (await Helm.AllFeatures).Single("Ingress", "bastio-gateway");

        ((string?)ingress["metadata.annotations"]!["cert-manager.io/cluster-issuer"]).Should().Be("letsencrypt");
        ((string?)ingress["spec.tls"]![0]!["secretName"]).Should().Be("bastio-gateway-tls");
        ((string?)ingress["spec.tls"]![0]!["hosts"]![0]).Should().Be("ai.example.com");
        ((string?)ingress["spec.rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["name"]).Should().Be("bastio-gateway");
    }

    [Fact]
    public async Task Ingress_can_use_an_existing_tls_secret_without_cert_manager()
    {
        var ingress = (await Helm.TemplateAsync("--set", "gateway.ingress.enabled=true", "--set", "gateway.ingress.tls.secretName=wildcard-tls"))
            .Single("Ingress", "bastio-gateway");

        ((string?)ingress["spec.tls"]![0]!["secretName"]).Should().Be("wildcard-tls");
        ingress["metadata.annotations"].Should().BeNull();
    }

    [Fact]
    public async Task Network_policies_admit_the_api_and_metrics_ports_and_allow_dns_and_the_api_server()
    {
        var chart = await Helm.AllFeatures;

        var gateway = chart.Single("NetworkPolicy", "bastio-gateway");
        var ingressPorts = gateway["spec.ingress"]!.AsArray().SelectMany(rule => rule!["ports"]!.AsArray()).Select(port => (string?)port!["port"]);
        ingressPorts.Should().BeEquivalentTo("admin", "http", "https");
        var operatorPolicy = chart.Single("NetworkPolicy", "bastio-operator");
        operatorPolicy["spec.ingress"]!.AsArray().SelectMany(rule => rule!["ports"]!.AsArray()).Select(port => (string?)port!["port"])
            .Should().Equal("admin");
        var egressPorts = operatorPolicy["spec.egress"]!.AsArray().SelectMany(rule => rule!["ports"]!.AsArray()).Select(port => port!["port"]!.ToString());
        egressPorts.Should().Contain(["53", "443", "6443"]);
    }
}
