"""WhatsApp Cloud API: secrets and transport settings come from the environment only (house style rule 16/17)."""

from config.env import env

USE_WHATSAPP = env.bool("USE_WHATSAPP", default=False)
WHATSAPP_API_BASE_URL = env.str("WHATSAPP_API_BASE_URL", default="https://graph.facebook.com/v18.0")
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="")
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="")
WHATSAPP_CONNECT_TIMEOUT = env.float("WHATSAPP_CONNECT_TIMEOUT", default=3.0)
WHATSAPP_READ_TIMEOUT = env.float("WHATSAPP_READ_TIMEOUT", default=10.0)
