using System.Collections.Concurrent;
using Chat.Identity.Users;
using Microsoft.Extensions.Options;

namespace Chat.Identity.Apis;

/// <summary>
/// Slows password guessing without letting anyone lock an owner out. Only failed logins count (a correct password
/// never does), at two levels:
/// <list type="bullet">
/// <item>per (username, client address): a tight allowance per window; beyond it that address alone is refused for
/// that username, so the owner logging in from elsewhere is untouched;</item>
/// <item>per username, from every address: a looser ceiling; beyond it each further failure locks the username for a
/// backoff that doubles (up to a maximum), so a guesser spread over many addresses is still slowed. Addresses the
/// owner logged in from recently are exempt from this lock, so even a distributed guesser does not keep them out.</item>
/// </list>
/// Attempts in flight count against both, so a burst of parallel guesses cannot overshoot the allowance.
/// State is per Identity process, like the other limits.
/// </summary>
public sealed class LoginThrottle(IOptions<IdentityRateLimitOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Username, string Address), Counter> _pairs = new();
    private readonly ConcurrentDictionary<string, Counter> _usernames = new();
    private readonly ConcurrentDictionary<(string Username, string Address), DateTimeOffset> _trusted = new();
    private long _nextPruneTicks;

    /// <summary>Starts an attempt, or says how long to wait when it is refused.</summary>
    public LoginAttempt Begin(string username, string address)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        PruneIfDue(now, limits);
        if (!AccountRules.IsPossibleUsername(username))
        {
            // No such account can exist: nothing to protect, and nothing to remember for a name an attacker invents.
            return LoginAttempt.Untracked;
        }
        var key = AccountRules.UsernameKey(username);
        var pair = _pairs.GetOrAdd((key, address), _ => new Counter());
        var user = _usernames.GetOrAdd(key, _ => new Counter());
        var trusted = _trusted.TryGetValue((key, address), out var until) && until > now;
        lock (pair)
        {
            if (pair.RefusalFor(now, limits.LoginFailuresPerAddress, limits.LoginFailureWindow) is { } pairWait)
            {
                return LoginAttempt.Refused(pairWait);
            }
            if (!trusted)
            {
                lock (user)
                {
                    if (user.LockFor(now, limits) is { } userWait)
                    {
                        return LoginAttempt.Refused(userWait);
                    }
                    user.InFlight++;
                }
            }
            pair.InFlight++;
        }
        return new LoginAttempt(this, new Tracked(key, address, pair, trusted ? null : user));
    }

    internal void End(Tracked attempt, bool failed, bool succeeded)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        var pair = attempt.Pair;
        lock (pair)
        {
            pair.InFlight--;
            if (failed)
            {
                pair.AddFailure(now, limits.LoginFailureWindow);
            }
            else if (succeeded)
            {
                // The owner's own typos before a success are forgiven.
                pair.Failures = 0;
            }
        }
        if (attempt.Username is { } user)
        {
            lock (user)
            {
                user.InFlight--;
                if (failed)
                {
                    // No window here: only a quiet spell forgets these (see LockFor), so the backoff keeps growing.
                    user.Failures++;
                    user.LastFailure = now;
                    if (user.Failures >= limits.LoginFailuresPerUsername)
                    {
                        var doublings = Math.Min(user.Failures - limits.LoginFailuresPerUsername, 60);
                        var backoff = TimeSpan.FromTicks((long)Math.Min(limits.LoginBackoff.Ticks * Math.Pow(2, doublings), limits.MaxLoginBackoff.Ticks));
                        user.LockedUntil = now + backoff;
                    }
                }
            }
        }
        if (succeeded)
        {
            _trusted[(attempt.Key, attempt.Address)] = now + limits.TrustedAddressLifetime;
        }
    }

    private void PruneIfDue(DateTimeOffset now, IdentityRateLimitOptions limits)
    {
        var next = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextPruneTicks, (now + limits.LoginFailureWindow).UtcTicks, next) != next)
        {
            return;
        }
        // Counters idle for a window (and past any lock) say nothing any more; dropping them bounds memory.
        var idle = now - limits.LoginFailureWindow;
        foreach (var (key, counter) in _pairs)
        {
            if (counter.IsIdleSince(idle, now))
            {
                _pairs.TryRemove(key, out _);
            }
        }
        foreach (var (key, counter) in _usernames)
        {
            if (counter.IsIdleSince(idle, now))
            {
                _usernames.TryRemove(key, out _);
            }
        }
        foreach (var (key, until) in _trusted)
        {
            if (until <= now)
            {
                _trusted.TryRemove(key, out _);
            }
        }
    }

    /// <summary>An attempt begun: the counters it holds a place in (no username counter for a trusted address).</summary>
    internal sealed record Tracked(string Key, string Address, Counter Pair, Counter? Username);

    /// <summary>Failures in the current window, attempts in flight, and (per username) the lock the backoff set.</summary>
    internal sealed class Counter
    {
        public int Failures;
        public int InFlight;
        public DateTimeOffset WindowStart;
        public DateTimeOffset LastFailure;
        public DateTimeOffset LockedUntil;

        public void AddFailure(DateTimeOffset now, TimeSpan window)
        {
            if (now - WindowStart >= window)
            {
                WindowStart = now;
                Failures = 0;
            }
            Failures++;
            LastFailure = now;
        }

        /// <summary>How long until the window ends, when failures and attempts in flight fill the allowance.</summary>
        public TimeSpan? RefusalFor(DateTimeOffset now, int allowance, TimeSpan window)
        {
            var failures = now - WindowStart >= window ? 0 : Failures;
            return failures + InFlight >= allowance ? Max(WindowStart + window - now, TimeSpan.FromSeconds(1)) : null;
        }

        /// <summary>
        /// Under the ceiling, attempts go ahead (in flight counted). At or over it, only once the backoff has passed, and
        /// one at a time: each attempt then is a probe whose failure doubles the next wait.
        /// </summary>
        public TimeSpan? LockFor(DateTimeOffset now, IdentityRateLimitOptions limits)
        {
            if (LockedUntil > now)
            {
                return LockedUntil - now;
            }
            // A quiet window past the last lock forgets the history, so the backoff does not grow forever.
            if (now - LastFailure >= limits.LoginFailureWindow && now - LockedUntil >= limits.LoginFailureWindow)
            {
                Failures = 0;
            }
            var over = Failures + InFlight >= limits.LoginFailuresPerUsername;
            return over && InFlight > 0 ? limits.LoginBackoff : null;
        }

        public bool IsIdleSince(DateTimeOffset idle, DateTimeOffset now) =>
            InFlight == 0 && LastFailure < idle && LockedUntil <= now;

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }
}

/// <summary>One login attempt under <see cref="LoginThrottle"/>: refused with a wait, or begun and then ended once.</summary>
public sealed class LoginAttempt
{
    public static readonly LoginAttempt Untracked = new(null, null);

    private readonly LoginThrottle? _throttle;
    private readonly LoginThrottle.Tracked? _tracked;
    private int _ended;

    internal LoginAttempt(LoginThrottle? throttle, LoginThrottle.Tracked? tracked)
    {
        _throttle = throttle;
        _tracked = tracked;
    }

    private LoginAttempt(TimeSpan wait) => RetryAfter = wait;

    /// <summary>Set when the attempt is refused: how long until one may be made.</summary>
    public TimeSpan? RetryAfter { get; }

    public static LoginAttempt Refused(TimeSpan wait) => new(wait);

    public void Failed() => End(failed: true, succeeded: false);

    public void Succeeded() => End(failed: false, succeeded: true);

    /// <summary>Neither outcome (an error): only the attempt in flight is released.</summary>
    public void Abandoned() => End(failed: false, succeeded: false);

    private void End(bool failed, bool succeeded)
    {
        if (_throttle is not null && _tracked is not null && Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _throttle.End(_tracked, failed, succeeded);
        }
    }
}
