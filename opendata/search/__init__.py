"""Search over what the public may read (issue 12): one index of documents kept in step with
the public record, queried by Chinese words of any length."""
