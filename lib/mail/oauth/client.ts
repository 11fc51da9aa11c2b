// Browser-safe: the provider ids, for client components.
export type OAuthProviderId = 'microsoft' | 'google';
