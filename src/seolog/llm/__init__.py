"""Language-model suggestions: an OpenAI-compatible chat-completions client, the prompts, the
checks a suggestion must pass and the budget it must stay within."""
