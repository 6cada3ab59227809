using System.Net;
using System.Net.Sockets;

namespace Chat.Identity.Apis;

/// <summary>
/// The client a limit applies to. Behind the gateway the connection's address is the gateway's; the forwarded-headers
/// middleware replaces it with X-Forwarded-For only when the connection comes from a trusted proxy (loopback, where
/// the gateway runs), so a client cannot pick its own address by sending the header.
/// </summary>
public static class ClientAddress
{
    /// <summary>
    /// IPv4 by the whole address (an IPv4-mapped IPv6 address counts as IPv4); IPv6 by its /64, the smallest block a
    /// home or cloud host is given, so one host cannot multiply its allowance by rotating through its own prefix.
    /// </summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static string KeyOf(HttpContext context) => KeyOf(context.Connection.RemoteIpAddress);
}
