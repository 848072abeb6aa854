"""Function tools the scenarios offer, as the recorded requests show them (OpenAI's docs examples and
OGX's own integration tests). A changed description or schema is a different request: re-record."""

WEATHER_BY_CITY_AND_COUNTRY = {
    "type": "function",
    "name": "get_weather",
    "description": "Get current temperature for a given location.",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "City and country e.g. Bogotá, Colombia"}
        },
        "required": ["location"],
        "additionalProperties": False,
    },
}

WEATHER_BY_CITY = {
    "type": "function",
    "name": "get_weather",
    "description": "Get weather information for a specified location",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city name (e.g., 'New York', 'London')"}
        },
    },
}

TIME_BY_CITY = {
    "type": "function",
    "name": "get_time",
    "description": "Get current time for a specified location",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city name (e.g., 'New York', 'London')"}
        },
    },
}

QUARTERLY_REPORT = {
    "type": "function",
    "name": "get_report",
    "description": "Retrieve the latest quarterly report for a given company.",
    "parameters": {
        "type": "object",
        "properties": {"company": {"type": "string", "description": "Company name"}},
        "required": ["company"],
        "additionalProperties": False,
    },
}
