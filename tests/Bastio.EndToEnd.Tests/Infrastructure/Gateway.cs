using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>Plain HTTP against the gateway, to see the status and error code a key gets.</summary>
public static class Gateway
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<(HttpStatusCode Status, string? Code)> ListModelsAsync(Uri gatewayUrl, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, gatewayUrl.ToString().TrimEnd('/') + "/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await Http.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null);
        }

        var body = await response.Content.ReadAsStringAsync();
        try
        {
            return (response.StatusCode, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (response.StatusCode, null);
        }
    }

    /// <summary>Polls until the key gets <paramref name="expected"/>; changes reach the gateway within about a second.</summary>
    public static async Task<(HttpStatusCode Status, string? Code)> WaitForAsync(
        Uri gatewayUrl, string apiKey, HttpStatusCode expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var answer = await ListModelsAsync(gatewayUrl, apiKey);
            if (answer.Status == expected || DateTime.UtcNow >= deadline)
            {
                return answer;
            }

            await Task.Delay(200);
        }
    }
}
