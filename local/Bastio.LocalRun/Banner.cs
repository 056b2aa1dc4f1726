using System.Text;

namespace Bastio.LocalRun;

/// <summary>What <c>make run</c> prints once the system is ready: the key and how to use it.</summary>
public static class Banner
{
    public static string Render(Uri gatewayUrl, string apiKey, string keyName, string secretName, string ns, string kubeconfig, string logDirectory)
    {
        var baseUrl = gatewayUrl.ToString().TrimEnd('/');
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Bastio is running. Press Ctrl-C to stop everything.");
        text.AppendLine();
        text.AppendLine($"  Gateway URL: {baseUrl}");
        text.AppendLine($"  API key:     {apiKey}");
        text.AppendLine($"               (ApiKey {ns}/{keyName}; apps read it from Secret {ns}/{secretName})");
        text.AppendLine($"  Kubeconfig:  export KUBECONFIG={kubeconfig}");
        text.AppendLine($"  Logs:        {logDirectory}");
        text.AppendLine();
        text.AppendLine("Try it with curl:");
        text.AppendLine();
        text.AppendLine($"  curl -sS {baseUrl}/chat/completions \\");
        text.AppendLine($"    -H \"Authorization: Bearer {apiKey}\" \\");
        text.AppendLine("    -H \"Content-Type: application/json\" \\");
        text.AppendLine("    -d '{\"model\": \"gpt-4o-mini\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]}'");
        text.AppendLine();
        text.AppendLine("Python (pip install openai):");
        text.AppendLine();
        text.AppendLine("  from openai import OpenAI");
        text.AppendLine($"  client = OpenAI(base_url=\"{baseUrl}\", api_key=\"{apiKey}\")");
        text.AppendLine("  reply = client.chat.completions.create(model=\"gpt-4o-mini\", messages=[{\"role\": \"user\", \"content\": \"Hello!\"}])");
        text.AppendLine("  print(reply.choices[0].message.content)");
        text.AppendLine();
        text.AppendLine("JavaScript (npm install openai):");
        text.AppendLine();
        text.AppendLine("  import OpenAI from \"openai\";");
        text.AppendLine($"  const client = new OpenAI({{ baseURL: \"{baseUrl}\", apiKey: \"{apiKey}\" }});");
        text.AppendLine("  const reply = await client.chat.completions.create({ model: \"gpt-4o-mini\", messages: [{ role: \"user\", content: \"Hello!\" }] });");
        text.AppendLine("  console.log(reply.choices[0].message.content);");
        text.AppendLine();
        text.AppendLine("C# (dotnet add package OpenAI):");
        text.AppendLine();
        text.AppendLine("  using OpenAI;");
        text.AppendLine("  using System.ClientModel;");
        text.AppendLine($"  var client = new OpenAIClient(new ApiKeyCredential(\"{apiKey}\"), new OpenAIClientOptions {{ Endpoint = new Uri(\"{baseUrl}\") }});");
        text.AppendLine("  var reply = await client.GetChatClient(\"gpt-4o-mini\").CompleteChatAsync(\"Hello!\");");
        text.AppendLine("  Console.WriteLine(reply.Value.Content[0].Text);");
        text.AppendLine();
        text.AppendLine("Manage keys (in another terminal, after the export above):");
        text.AppendLine();
        text.AppendLine("  kubectl get apikeys,providerkeys,proxies");
        text.AppendLine("  kubectl bastio keys list        # the plugin: make plugin installs it");
        text.AppendLine();
        text.Append("Ready.");
        return text.ToString();
    }
}
