using System.Text.RegularExpressions;

namespace Chat.Identity.Users;

/// <summary>What makes a username, display name and password acceptable.</summary>
public static partial class AccountRules
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int MaxDisplayNameLength = 64;

    private static readonly HashSet<string> CommonPasswords = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "12345678910", "0123456789", "password12", "password123", "password1234", "qwertyuiop",
        "1q2w3e4r5t", "qwerty1234", "qwerty12345", "iloveyou12", "letmein123", "welcome123", "admin12345",
        "abcdefghij", "abc1234567", "1111111111", "0000000000", "passw0rd12", "trustno1234", "football12",
        "baseball12", "sunshine12", "princess12", "dragon1234", "monkey1234", "superman12", "starwars12",
        "changeme12", "p@ssw0rd12", "zaq12wsxcde", "asdfghjkl1", "1qaz2wsx3edc", "qazwsxedcr",
    };

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,32}$")]
    private static partial Regex UsernamePattern();

    public static Dictionary<string, string[]> Validate(string? username, string? password, string? displayName)
    {
        var errors = new Dictionary<string, string[]>();
        if (username is null || !UsernamePattern().IsMatch(username))
        {
            errors["username"] = ["A username is 3 to 32 letters, digits, '_', '.' or '-'."];
        }
        if (password is null || password.Length < MinPasswordLength)
        {
            errors["password"] = [$"A password has at least {MinPasswordLength} characters."];
        }
        else if (password.Length > MaxPasswordLength)
        {
            errors["password"] = [$"A password has at most {MaxPasswordLength} characters."];
        }
        else if (CommonPasswords.Contains(password) || (username is not null && password.Contains(username, StringComparison.OrdinalIgnoreCase)))
        {
            errors["password"] = ["That password is too easy to guess."];
        }
        if (displayName is not null && (displayName.Trim().Length == 0 || displayName.Length > MaxDisplayNameLength))
        {
            errors["displayName"] = [$"A display name is 1 to {MaxDisplayNameLength} characters."];
        }
        return errors;
    }
}
