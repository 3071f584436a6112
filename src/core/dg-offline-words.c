/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-offline"

#include "config.h"

#include "dg-offline-private.h"

/*
 * Word lists for realistic offline records. Everything is fictional:
 * companies are invented or well-known placeholder names, phone formats
 * use ranges reserved for fiction (NANP 555-0100..0199, Ofcom 07700 900xxx
 * and 020 7946 0xxx), and emails/URLs use example.com/.org/.net.
 */

#define WORDS(name, ...)                                 \
  const char *const dg_words_##name[] = { __VA_ARGS__ }; \
  const guint dg_words_n_##name = G_N_ELEMENTS (dg_words_##name)

WORDS (first_names, "Ana", "Andrei", "Maria", "Alexandru", "Elena", "Mihai", "Ioana", "Ștefan",
       "Mădălina", "Radu", "Cristina", "Bogdan", "Oana", "Vlad", "Irina", "Emma", "Liam", "Olivia",
       "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Oliver", "Charlotte", "Ethan", "Amelia",
       "Mateo", "Isabella", "Henry", "Harper", "Leo", "Chloé", "Jonas", "Lena", "Felix", "Sofia",
       "Marco", "Giulia", "Pablo", "Lucía", "Hugo", "Inès", "Daan", "Fleur", "Aoife", "Sean",
       "Priya", "Arjun", "Yuki", "Kenji", "Amara", "Kwame", "Zoe", "Daniel", "Sara", "David",
       "Nora", "Tomás");

WORDS (last_names, "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu",
       "Munteanu", "Matei", "Constantin", "Șerban", "Moldovan", "Lungu", "Bălan", "Smith",
       "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez", "Wilson",
       "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Walker", "Hall", "Young", "King",
       "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Lefèvre", "Moreau", "Rossi",
       "Russo", "Bianchi", "Fernández", "López", "Sánchez", "de Vries", "Jansen", "O'Brien",
       "Murphy", "Kowalski", "Nowak", "Svensson", "Patel", "Sharma", "Tanaka", "Okafor");

WORDS (streets, "Maple Street", "Oak Avenue", "Cedar Lane", "Pine Road", "Elm Street", "Willow Way",
       "Lakeview Drive", "Hillcrest Road", "Park Avenue", "River Road", "Main Street",
       "Church Lane", "Station Road", "Victoria Street", "Mill Lane", "Sunset Boulevard",
       "Highland Avenue", "Meadow Court", "Orchard Street", "Harbor View", "Strada Florilor",
       "Bulevardul Unirii", "Strada Libertății", "Calea Victoriei", "Strada Mihai Eminescu",
       "Lindenstraße", "Rue des Lilas", "Via Roma", "Calle Mayor", "Kerkstraat");

WORDS (companies, "Northwind Traders", "Contoso Ltd", "Fabrikam Inc", "Tailspin Toys",
       "Adventure Works", "Litware Inc", "Proseware", "Woodgrove Bank", "Blue Yonder Airlines",
       "Coho Winery", "Fourth Coffee", "Lucerne Publishing", "Alpine Ski House", "Trey Research",
       "Wide World Importers", "Humongous Insurance", "Relecloud", "Lamna Healthcare",
       "Tailwind Traders", "Bluebird Analytics", "Carpathia Software", "Danube Logistics",
       "Silverleaf Foods", "Brightpath Energy", "Harbor & Pine", "Quantum Grove",
       "Redwood Dynamics", "Stellar Freight", "Copperfield Labs", "Evergreen Dental",
       "Summit Outdoor Co", "Nimbus Cloud Services", "Oakridge Furniture", "Lumen Optics",
       "Greenfield Farms", "Atlas Consulting");

WORDS (product_adjectives, "Compact", "Ergonomic", "Wireless", "Organic", "Premium", "Lightweight",
       "Rechargeable", "Waterproof", "Smart", "Classic", "Eco-friendly", "Portable", "Handcrafted",
       "Vintage", "Ultra-slim", "Heavy-duty", "Foldable", "Insulated", "Adjustable", "Deluxe");

WORDS (product_materials, "Steel", "Bamboo", "Cotton", "Leather", "Ceramic", "Aluminum", "Wool",
       "Glass", "Oak", "Silicone", "Linen", "Carbon", "Copper", "Walnut");

WORDS (product_nouns, "Water Bottle", "Backpack", "Desk Lamp", "Headphones", "Coffee Grinder",
       "Yoga Mat", "Notebook", "Keyboard", "Running Shoes", "Blender", "Wall Clock", "Sunglasses",
       "Phone Case", "Office Chair", "Camping Tent", "Skillet", "Teapot", "Wristwatch",
       "Bluetooth Speaker", "Rain Jacket", "Cutting Board", "Travel Mug", "Plant Pot",
       "Bike Helmet");

WORDS (job_titles, "Software Engineer", "Product Manager", "Data Analyst", "UX Designer",
       "Account Executive", "Customer Success Manager", "Marketing Specialist", "Financial Analyst",
       "Operations Manager", "HR Generalist", "Registered Nurse", "Pharmacist", "Civil Engineer",
       "Graphic Designer", "Sales Representative", "Project Coordinator", "DevOps Engineer",
       "Office Manager", "Research Scientist", "Technical Writer", "Supply Chain Planner",
       "Quality Assurance Engineer", "Business Analyst", "Teacher");

WORDS (departments, "Engineering", "Sales", "Marketing", "Finance", "Human Resources",
       "Customer Support", "Operations", "Legal", "Research", "Product", "Logistics", "Cardiology",
       "Pediatrics", "Radiology", "Procurement", "IT");

WORDS (statuses, "active", "pending", "completed", "cancelled", "in_progress", "on_hold",
       "inactive", "approved");

WORDS (priorities, "low", "medium", "high", "urgent");

WORDS (categories, "electronics", "home", "garden", "books", "sports", "clothing", "toys", "beauty",
       "grocery", "office", "automotive", "health");

WORDS (tags, "new", "featured", "sale", "eco", "bestseller", "limited", "gift", "popular",
       "seasonal", "premium", "handmade", "clearance");

WORDS (colors, "red", "blue", "green", "black", "white", "navy", "teal", "beige", "gray", "orange",
       "purple", "yellow");

WORDS (currencies, "USD", "EUR", "GBP", "RON", "CHF", "JPY", "CAD", "AUD", "SEK", "PLN");

WORDS (languages, "English", "Romanian", "French", "German", "Spanish", "Italian", "Portuguese",
       "Dutch", "Polish", "Swedish", "Japanese", "Hindi");

WORDS (timezones, "Europe/Bucharest", "Europe/London", "Europe/Berlin", "Europe/Paris",
       "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Toronto",
       "Asia/Tokyo", "Australia/Sydney", "UTC");

WORDS (diagnoses, "Seasonal allergies", "Hypertension", "Type 2 diabetes", "Migraine", "Asthma",
       "Lower back pain", "Acute bronchitis", "Iron deficiency anemia", "Gastroenteritis",
       "Sprained ankle", "Otitis media", "Eczema", "Hypothyroidism", "Sinusitis", "Influenza",
       "Generalized anxiety disorder");

WORDS (medications, "Ibuprofen 400 mg", "Amoxicillin 500 mg", "Metformin 850 mg",
       "Lisinopril 10 mg", "Atorvastatin 20 mg", "Levothyroxine 50 mcg", "Cetirizine 10 mg",
       "Omeprazole 20 mg", "Salbutamol inhaler", "Paracetamol 500 mg", "Amlodipine 5 mg",
       "Sertraline 50 mg");

WORDS (payment_methods, "credit_card", "debit_card", "bank_transfer", "paypal", "cash", "apple_pay",
       "google_pay");

WORDS (channels, "email", "phone", "chat", "web", "social", "in_person");

WORDS (units, "kg", "g", "l", "ml", "pcs", "m", "cm", "box", "pack");

WORDS (genders, "female", "male", "female", "male", "non-binary");

WORDS (text_subjects, "The new dashboard", "Our support team", "This product", "The latest update",
       "The delivery", "The onboarding process", "The mobile app", "The checkout page",
       "The quarterly report", "The installation", "The customer", "This plan", "The service",
       "The new policy", "The replacement part");

WORDS (text_verbs, "improves", "simplifies", "requires", "includes", "supports", "speeds up",
       "reduces", "highlights", "covers", "streamlines", "affects", "explains");

WORDS (text_objects, "the daily workflow", "energy usage", "customer feedback",
       "the return process", "the account settings", "most common tasks", "the monthly budget",
       "battery life", "response times", "the setup steps", "order tracking", "invoice details",
       "the appointment schedule", "data exports");

WORDS (text_endings, "for small teams.", "without extra cost.", "in most cases.",
       "after the latest release.", "across all devices.", "within two business days.",
       "for new customers.", "during peak hours.", "with minimal effort.", "as expected.",
       "according to the last review.", "before the end of the month.");

WORDS (title_modifiers, "Quarterly", "Annual", "Weekly", "Customer", "Team", "Project", "Product",
       "Budget", "Release", "Security", "Onboarding", "Marketing", "Billing", "Account", "Delivery",
       "Shipping");

WORDS (title_nouns, "Review", "Update", "Guide", "Plan", "Summary", "Request", "Issue", "Report",
       "Overview", "Proposal", "Notes", "Checklist", "Feedback", "Roadmap", "Analysis", "Meeting",
       "Question");

WORDS (lorem, "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed",
       "do", "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua",
       "enim", "ad", "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris",
       "nisi", "aliquip", "ex", "ea", "commodo", "consequat", "duis", "aute", "irure", "in",
       "reprehenderit", "voluptate", "velit", "esse", "cillum", "fugiat", "nulla", "pariatur",
       "excepteur", "sint", "occaecat", "cupidatat", "non", "proident", "sunt", "culpa", "qui",
       "officia", "deserunt", "mollit", "anim", "id", "est", "laborum");

WORDS (url_paths, "products", "blog", "about", "support", "docs", "account", "orders", "help",
       "pricing", "news", "events", "careers");

/* name, region, country, ISO code, postal format, phone format (fictional ranges only) */
const DgCity dg_words_cities[] = {
  { "New York", "NY", "United States", "US", "100##", "+1 212-555-01##" },
  { "Chicago", "IL", "United States", "US", "606##", "+1 312-555-01##" },
  { "Austin", "TX", "United States", "US", "787##", "+1 512-555-01##" },
  { "Seattle", "WA", "United States", "US", "981##", "+1 206-555-01##" },
  { "Denver", "CO", "United States", "US", "802##", "+1 303-555-01##" },
  { "Boston", "MA", "United States", "US", "021##", "+1 617-555-01##" },
  { "San Francisco", "CA", "United States", "US", "941##", "+1 415-555-01##" },
  { "Atlanta", "GA", "United States", "US", "303##", "+1 404-555-01##" },
  { "Toronto", "ON", "Canada", "CA", "M#@ #@#", "+1 416-555-01##" },
  { "Vancouver", "BC", "Canada", "CA", "V#@ #@#", "+1 604-555-01##" },
  { "London", "England", "United Kingdom", "GB", "SW# #@@", "+44 20 7946 0###" },
  { "Manchester", "England", "United Kingdom", "GB", "M## #@@", "+44 7700 900###" },
  { "Edinburgh", "Scotland", "United Kingdom", "GB", "EH# #@@", "+44 7700 900###" },
  { "Bristol", "England", "United Kingdom", "GB", "BS# #@@", "+44 7700 900###" },
  { "Bucharest", "București", "Romania", "RO", "0#####", "+44 7700 900###" },
  { "Cluj-Napoca", "Cluj", "Romania", "RO", "400###", "+44 7700 900###" },
  { "Timișoara", "Timiș", "Romania", "RO", "300###", "+44 7700 900###" },
  { "Iași", "Iași", "Romania", "RO", "700###", "+44 7700 900###" },
  { "Brașov", "Brașov", "Romania", "RO", "500###", "+44 7700 900###" },
  { "Berlin", "Berlin", "Germany", "DE", "10###", "+44 7700 900###" },
  { "Munich", "Bavaria", "Germany", "DE", "80###", "+44 7700 900###" },
  { "Hamburg", "Hamburg", "Germany", "DE", "20###", "+44 7700 900###" },
  { "Paris", "Île-de-France", "France", "FR", "750##", "+44 7700 900###" },
  { "Lyon", "Auvergne-Rhône-Alpes", "France", "FR", "6900#", "+44 7700 900###" },
  { "Madrid", "Madrid", "Spain", "ES", "280##", "+44 7700 900###" },
  { "Barcelona", "Catalonia", "Spain", "ES", "080##", "+44 7700 900###" },
  { "Rome", "Lazio", "Italy", "IT", "001##", "+44 7700 900###" },
  { "Milan", "Lombardy", "Italy", "IT", "201##", "+44 7700 900###" },
  { "Amsterdam", "North Holland", "Netherlands", "NL", "10## @@", "+44 7700 900###" },
  { "Dublin", "Leinster", "Ireland", "IE", "D0# @###", "+44 7700 900###" },
  { "Lisbon", "Lisbon", "Portugal", "PT", "1###-###", "+44 7700 900###" },
  { "Warsaw", "Masovia", "Poland", "PL", "0#-###", "+44 7700 900###" },
  { "Stockholm", "Stockholm", "Sweden", "SE", "1## ##", "+44 7700 900###" },
  { "Sydney", "NSW", "Australia", "AU", "2###", "+44 7700 900###" },
};
const guint dg_words_n_cities = G_N_ELEMENTS (dg_words_cities);
