package natsjs

// Local tells whether t publishes log messages without waiting for their
// acknowledgement before the other messages of a call (see publish).
func Local(t *Transport) bool { return t.local }

var StoredBy = storedBy
var VersionAtLeast = versionAtLeast
