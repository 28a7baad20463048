-- The client address of each failed login (`platform::client::ClientAddr::key`: an IPv4
-- address or an IPv6 /64), so that the throttle counts per address as well as per username, and
-- a username's lock applies to the addresses that failed for it, not to its owner elsewhere.
-- Rows from before carry '' (an address of their own, which expires with the window).
-- Kept column-for-column in step with the other backend's 0011.

ALTER TABLE login_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_address_at ON login_failures (address, at);
