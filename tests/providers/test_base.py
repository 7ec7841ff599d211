"""What every provider shares: the tools offered to a model and the messages it sees."""

from agents.providers.base import Message, ProviderError, conversation, count_tokens, offered_tools


def test_tools_are_offered_as_functions_with_an_empty_schema_by_default():
    config = {"tools": [{"name": "book", "description": "Book a slot"}, {"name": "hang_up"}]}
    offered = offered_tools(config)
    assert offered[0] == {
        "type": "function",
        "function": {
            "name": "book",
            "description": "Book a slot",
            "parameters": {"type": "object", "properties": {}},
        },
    }
    assert offered[1]["function"]["description"] == ""
    assert offered_tools({}) == []


def test_the_system_prompt_comes_first_and_only_when_there_is_one():
    messages = [Message("user", "Hi")]
    with_prompt = conversation({"prompt": {"system_prompt": "Be brief."}}, messages)
    assert with_prompt == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]
    assert conversation({}, messages) == [{"role": "user", "content": "Hi"}]


def test_tokens_are_counted_by_words_and_errors_keep_their_code():
    assert count_tokens("one two  three") == 3
    error = ProviderError("timeout", "no answer in 30 s", status=None)
    assert (error.code, str(error)) == ("timeout", "no answer in 30 s")
